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
/// An expired entry is served at once while one background lookup refreshes it
/// (stale-while-revalidate), so a known key never waits behind the database; the refresh still
/// runs, so a disabled key stops within `ttl` plus one lookup.
///
/// Unknown keys are remembered apart, in a bounded negative cache evicted oldest first, so a
/// flood of made-up keys costs one lookup per key per `ttl` and cannot push known keys out; and
/// at most `maxUnknownLookups` lookups of keys not in the cache run at once (beyond that the
/// caller gets `Busy`, a 503), so made-up keys cannot queue up the database pool ahead of
/// refreshes. Concurrent misses for one key share one lookup (single flight).
public final class ProjectConfigCache: @unchecked Sendable {
    public typealias Loader = @Sendable (String) async throws -> ProjectConfig?

    private let loader: Loader
    private let ttl: TimeInterval
    private let staleGrace: TimeInterval
    private let capacity: Int
    private let maxUnknownLookups: Int
    private let lock = NSLock()
    private var entries: [String: (config: ProjectConfig, fetched: Date)] = [:]
    private var unknown: OldestFirstMap<Date>
    private var inFlight: [String: Task<ProjectConfig?, any Error>] = [:]
    /// Lookups in flight for keys with no entry (made-up keys look like this).
    private var unknownLookups = 0
    /// The last lookup to finish failed: an entry served past its TTL is then a stand-in.
    private var lastLookupFailed = false

    /// Too many lookups of keys not in the cache are under way; try again shortly.
    public struct Busy: Error {}

    public convenience init(pool: PGPool, ttl: TimeInterval = 5, staleGrace: TimeInterval = 300, capacity: Int = 100_000,
                            unknownCapacity: Int = 10_000, maxUnknownLookups: Int = 32) {
        self.init(ttl: ttl, staleGrace: staleGrace, capacity: capacity, unknownCapacity: unknownCapacity,
                  maxUnknownLookups: maxUnknownLookups) { publicKey in
            try await pool.withConnection { try RelayConfigStore($0).projectConfig(publicKey: publicKey) }
        }
    }

    public init(ttl: TimeInterval = 5, staleGrace: TimeInterval = 300, capacity: Int = 100_000, unknownCapacity: Int = 10_000,
                maxUnknownLookups: Int = 32, loader: @escaping Loader) {
        self.loader = loader
        self.ttl = ttl
        self.staleGrace = staleGrace
        self.capacity = capacity
        unknown = OldestFirstMap(capacity: unknownCapacity)
        self.maxUnknownLookups = max(1, maxUnknownLookups)
    }

    /// How a lookup was answered: `refreshing` is an expired entry served while it is looked
    /// up again in the background.
    enum Source { case cache, database, staleCache, refreshing }

    public func lookup(_ publicKey: String) async throws -> ProjectConfig? {
        try await lookupNotingSource(publicKey).config
    }

    /// The config, and where it came from. Throws when PostgreSQL fails and no entry is young
    /// enough to stand in, or `Busy` when too many unknown keys are being looked up.
    func lookupNotingSource(_ publicKey: String) async throws -> (config: ProjectConfig?, source: Source) {
        let now = Date()
        let (cached, knownUnknown, failing) = lock.withLock { (entries[publicKey], unknown[publicKey], lastLookupFailed) }
        if let cached {
            let age = now.timeIntervalSince(cached.fetched)
            if age < ttl { return (cached.config, .cache) }
            if age < ttl + staleGrace {
                // Serve it now; one refresh per key runs meanwhile (a failed one is retried by
                // the next request), and past the grace the caller waits for the database.
                _ = try start(publicKey, known: true)
                return (cached.config, failing ? .staleCache : .refreshing)
            }
        }
        if let knownUnknown, now.timeIntervalSince(knownUnknown) < ttl { return (nil, .cache) }
        let config: ProjectConfig?
        do {
            config = try await start(publicKey, known: cached != nil).value
        } catch let busy as Busy {
            throw busy
        } catch {
            if let cached, now.timeIntervalSince(cached.fetched) < ttl + staleGrace { return (cached.config, .staleCache) }
            throw error
        }
        return (config, .database)
    }

    /// One lookup per key at a time: a second caller gets the first one's task. Lookups of keys
    /// with no entry are capped.
    private func start(_ publicKey: String, known: Bool) throws(Busy) -> Task<ProjectConfig?, any Error> {
        let started: Task<ProjectConfig?, any Error>? = lock.withLock {
            if let running = inFlight[publicKey] { return running }
            if !known {
                guard unknownLookups < maxUnknownLookups else { return nil }
                unknownLookups += 1
            }
            let task = Task { [loader, self] in
                let result: Result<ProjectConfig?, any Error>
                do { result = .success(try await loader(publicKey)) } catch { result = .failure(error) }
                finish(publicKey, result, known: known)
                return try result.get()
            }
            inFlight[publicKey] = task
            return task
        }
        guard let started else { throw Busy() }
        return started
    }

    private func finish(_ publicKey: String, _ result: Result<ProjectConfig?, any Error>, known: Bool) {
        lock.withLock {
            if !known { unknownLookups -= 1 }
            inFlight[publicKey] = nil
            if case .failure = result { lastLookupFailed = true } else { lastLookupFailed = false }
            if case .success(let config) = result { remember(publicKey, config, Date()) }
        }
    }

    /// Called with the lock held.
    private func remember(_ publicKey: String, _ config: ProjectConfig?, _ now: Date) {
        if let config {
            unknown.remove(publicKey)
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[publicKey] = (config, now)
        } else {
            entries[publicKey] = nil
            unknown.insert(publicKey, now)
        }
    }

    /// Lookups under way and unknown keys remembered, for tests.
    var counts: (inFlight: Int, unknown: Int, unknownLookups: Int) {
        lock.withLock { (inFlight.count, unknown.count, unknownLookups) }
    }
}
