import Foundation
import Postgres
import Testing
@testable import Relay

@Suite struct ProjectConfigCacheTests {
    @Test func knownKeysKeepTheirConfigWhilePostgreSQLIsDownAndUnknownOnesFail() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let pool = PGPool(url: database.url, size: 1)
            let cache = ProjectConfigCache(pool: pool, ttl: 0.2, staleGrace: 60)
            let strict = ProjectConfigCache(pool: pool, ttl: 0.2, staleGrace: 0)
            let key = tenant.key.publicKey

            let first = try await cache.lookupNotingSource(key)
            #expect(first.source == .database)
            #expect(first.config?.key.projectID == tenant.project.id)
            _ = try await strict.lookupNotingSource(key)

            try database.refuseConnections()
            try await Task.sleep(for: .milliseconds(300))

            // Expired: served at once while a refresh runs in the background; once that refresh
            // failed, as a stand-in for the database.
            var stale = try await cache.lookupNotingSource(key)
            #expect(stale.source == .refreshing || stale.source == .staleCache)
            let failing = Date().addingTimeInterval(30)
            while stale.source != .staleCache && Date() < failing {
                try await Task.sleep(for: .milliseconds(50))
                stale = try await cache.lookupNotingSource(key)
            }
            #expect(stale.source == .staleCache)
            #expect(stale.config?.key.projectID == tenant.project.id)
            await #expect(throws: (any Error).self) { try await strict.lookupNotingSource(key) }
            await #expect(throws: (any Error).self) { try await cache.lookupNotingSource("0123456789abcdef0123456789abcdef") }

            try database.allowConnections()
            var source: ProjectConfigCache.Source?
            let deadline = Date().addingTimeInterval(30)
            // A background refresh succeeds and the entry is fresh again.
            while source != .cache && Date() < deadline {
                source = try? await cache.lookupNotingSource(key).source
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(source == .cache)
            await pool.shutdown()
        }
    }
}
