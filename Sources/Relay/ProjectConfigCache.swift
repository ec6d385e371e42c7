import Foundation
import Postgres
import Store

/// Project configs (key, filters, limits) read from PostgreSQL and kept for `ttl` seconds, so a
/// disabled key or a changed limit takes effect on every relay within `ttl` plus one lookup,
/// while a busy relay asks the database rarely. Unknown keys are cached too, so a flood of bad
/// keys cannot flood the database. While PostgreSQL cannot be reached, an expired entry is used
/// for up to `staleGrace` more (as Sentry's relay keeps a project state when its upstream
/// fails): ingestion does not need the database, only the configs it already knows.
public final class ProjectConfigCache: @unchecked Sendable {
    private let pool: PGPool
    private let ttl: TimeInterval
    private let staleGrace: TimeInterval
    private let capacity: Int
    private let lock = NSLock()
    private var entries: [String: (config: ProjectConfig?, fetched: Date)] = [:]

    public init(pool: PGPool, ttl: TimeInterval = 5, staleGrace: TimeInterval = 300, capacity: Int = 100_000) {
        self.pool = pool
        self.ttl = ttl
        self.staleGrace = staleGrace
        self.capacity = capacity
    }

    /// How a lookup was answered.
    enum Source { case cache, database, staleCache }

    public func lookup(_ publicKey: String) async throws -> ProjectConfig? {
        try await lookupNotingSource(publicKey).config
    }

    /// The config, and where it came from. Throws when PostgreSQL fails and no entry is young
    /// enough to stand in.
    func lookupNotingSource(_ publicKey: String) async throws -> (config: ProjectConfig?, source: Source) {
        let now = Date()
        let cached = lock.withLock { entries[publicKey] }
        if let cached, now.timeIntervalSince(cached.fetched) < ttl {
            return (cached.config, .cache)
        }
        let config: ProjectConfig?
        do {
            config = try await pool.withConnection { try RelayConfigStore($0).projectConfig(publicKey: publicKey) }
        } catch {
            if let cached, now.timeIntervalSince(cached.fetched) < ttl + staleGrace { return (cached.config, .staleCache) }
            throw error
        }
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[publicKey] = (config, now)
        }
        return (config, .database)
    }
}
