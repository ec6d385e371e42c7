import Foundation
import Postgres
import RelayConfig
import Store

/// Project configs (key, filters, limits) read from PostgreSQL and kept for `ttl` seconds, so a
/// disabled key or a changed limit takes effect on every relay within `ttl` plus one lookup,
/// while a busy relay asks the database rarely. While PostgreSQL cannot be reached, an expired
/// entry is used for up to `staleGrace` more (as Sentry's relay keeps a project state when its
/// upstream fails): ingestion does not need the database, only the configs it already knows.
///
/// Unknown keys are remembered apart, in a bounded negative cache, so a flood of made-up keys
/// costs one lookup per key per `ttl` and cannot push known keys out. Concurrent misses for one
/// key share one lookup (single flight).
public final class ProjectConfigCache: @unchecked Sendable {
    public typealias Loader = @Sendable (String) async throws -> ProjectConfig?

    private let loader: Loader
    private let ttl: TimeInterval
    private let staleGrace: TimeInterval
    private let capacity: Int
    private let unknownCapacity: Int
    private let lock = NSLock()
    private var entries: [String: (config: ProjectConfig, fetched: Date)] = [:]
    private var unknown: [String: Date] = [:]
    private var inFlight: [String: Task<ProjectConfig?, any Error>] = [:]

    public convenience init(pool: PGPool, ttl: TimeInterval = 5, staleGrace: TimeInterval = 300, capacity: Int = 100_000,
                            unknownCapacity: Int = 10_000) {
        self.init(ttl: ttl, staleGrace: staleGrace, capacity: capacity, unknownCapacity: unknownCapacity) { publicKey in
            try await pool.withConnection { try RelayConfigStore($0).projectConfig(publicKey: publicKey) }
        }
    }

    public init(ttl: TimeInterval = 5, staleGrace: TimeInterval = 300, capacity: Int = 100_000, unknownCapacity: Int = 10_000,
                loader: @escaping Loader) {
        self.loader = loader
        self.ttl = ttl
        self.staleGrace = staleGrace
        self.capacity = capacity
        self.unknownCapacity = unknownCapacity
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
        let (cached, knownUnknown) = lock.withLock { (entries[publicKey], unknown[publicKey]) }
        if let cached, now.timeIntervalSince(cached.fetched) < ttl { return (cached.config, .cache) }
        if let knownUnknown, now.timeIntervalSince(knownUnknown) < ttl { return (nil, .cache) }
        let config: ProjectConfig?
        do {
            config = try await load(publicKey)
        } catch {
            if let cached, now.timeIntervalSince(cached.fetched) < ttl + staleGrace { return (cached.config, .staleCache) }
            throw error
        }
        return (config, .database)
    }

    /// One lookup per key at a time: a second caller waits for the first one's answer.
    private func load(_ publicKey: String) async throws -> ProjectConfig? {
        let task: Task<ProjectConfig?, any Error> = lock.withLock {
            if let running = inFlight[publicKey] { return running }
            let task = Task { [loader] in try await loader(publicKey) }
            inFlight[publicKey] = task
            return task
        }
        let result = await task.result
        lock.withLock {
            guard inFlight[publicKey] == task else { return }
            inFlight[publicKey] = nil
            if case .success(let config) = result { remember(publicKey, config, Date()) }
        }
        return try result.get()
    }

    /// Called with the lock held.
    private func remember(_ publicKey: String, _ config: ProjectConfig?, _ now: Date) {
        if let config {
            unknown[publicKey] = nil
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[publicKey] = (config, now)
        } else {
            entries[publicKey] = nil
            if unknown.count >= unknownCapacity {
                unknown = unknown.filter { now.timeIntervalSince($0.value) < ttl }
                if unknown.count >= unknownCapacity { unknown.removeAll(keepingCapacity: true) }
            }
            unknown[publicKey] = now
        }
    }

    /// Lookups under way and unknown keys remembered, for tests.
    var counts: (inFlight: Int, unknown: Int) { lock.withLock { (inFlight.count, unknown.count) } }
}
