import Foundation
import Postgres
import Store

/// DSN keys read from PostgreSQL and kept for `ttl` seconds, so a disabled key stops working
/// on every relay within `ttl` (plus one lookup) while a busy relay asks the database rarely.
/// Unknown keys are cached too, so a flood of bad keys cannot flood the database.
public final class KeyCache: @unchecked Sendable {
    private let pool: PGPool
    private let ttl: TimeInterval
    private let capacity: Int
    private let lock = NSLock()
    private var entries: [String: (key: ProjectKey?, fetched: Date)] = [:]

    public init(pool: PGPool, ttl: TimeInterval = 5, capacity: Int = 100_000) {
        self.pool = pool
        self.ttl = ttl
        self.capacity = capacity
    }

    public func lookup(_ publicKey: String) async throws -> ProjectKey? {
        let now = Date()
        if let entry = lock.withLock({ entries[publicKey] }), now.timeIntervalSince(entry.fetched) < ttl {
            return entry.key
        }
        let key = try await pool.withConnection { try AdminStore($0).key(publicKey: publicKey) }
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[publicKey] = (key, now)
        }
        return key
    }
}
