import Foundation
import Postgres
import Store

/// Project configs (key, filters, limits) read from PostgreSQL and kept for `ttl` seconds, so a
/// disabled key or a changed limit takes effect on every relay within `ttl` plus one lookup,
/// while a busy relay asks the database rarely. Unknown keys are cached too, so a flood of bad
/// keys cannot flood the database.
public final class ProjectConfigCache: @unchecked Sendable {
    private let pool: PGPool
    private let ttl: TimeInterval
    private let capacity: Int
    private let lock = NSLock()
    private var entries: [String: (config: ProjectConfig?, fetched: Date)] = [:]

    public init(pool: PGPool, ttl: TimeInterval = 5, capacity: Int = 100_000) {
        self.pool = pool
        self.ttl = ttl
        self.capacity = capacity
    }

    public func lookup(_ publicKey: String) async throws -> ProjectConfig? {
        try await lookupNotingDatabase(publicKey).config
    }

    /// The config, and whether PostgreSQL was asked for it (false: from the cache).
    func lookupNotingDatabase(_ publicKey: String) async throws -> (config: ProjectConfig?, fromDatabase: Bool) {
        let now = Date()
        if let entry = lock.withLock({ entries[publicKey] }), now.timeIntervalSince(entry.fetched) < ttl {
            return (entry.config, false)
        }
        let config = try await pool.withConnection { try RelayConfigStore($0).projectConfig(publicKey: publicKey) }
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[publicKey] = (config, now)
        }
        return (config, true)
    }
}
