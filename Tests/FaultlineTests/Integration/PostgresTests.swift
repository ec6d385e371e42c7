import Foundation
import Postgres
import Store
import Testing

@Suite struct PostgresTests {
    @Test func parametersTravelApartFromSQL() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let hostile = "'; DROP TABLE organizations; --"
            let rows = try db.query("SELECT $1::text AS v, $2::bigint AS n, $3::text AS missing", [hostile, Int64(42), Optional<String>.none])
            #expect(try rows[0].string("v") == hostile)
            #expect(try rows[0].int("n") == 42)
            #expect(try rows[0].optionalString("missing") == nil)
            #expect(try db.query("SELECT count(*) AS c FROM organizations").first?.int("c") == 0)
        }
    }

    @Test func transactionsCommitOrRollBack() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            _ = try db.transaction { tx in try tx.query("INSERT INTO organizations (slug, name) VALUES ($1, $1)", ["kept"]) }
            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try db.transaction { tx in
                    try tx.query("INSERT INTO organizations (slug, name) VALUES ($1, $1)", ["dropped"])
                    throw Boom()
                }
            }
            let slugs = try db.query("SELECT slug FROM organizations ORDER BY slug").rows.map { try $0.string("slug") }
            #expect(slugs == ["kept"])
        }
    }

    @Test func errorsCarrySQLStateAndUniqueViolationIsNotTransient() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            try db.query("INSERT INTO organizations (slug, name) VALUES ('a', 'a')")
            do {
                try db.query("INSERT INTO organizations (slug, name) VALUES ('a', 'a')")
                Issue.record("duplicate accepted")
            } catch let error as PGError {
                #expect(error.sqlState == "23505")
                #expect(!error.isTransient)
            }
        }
    }

    @Test func timestampsAndArraysRoundTrip() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let date = Date(timeIntervalSince1970: 1_700_000_000.123456)
            let hostile = ["a,b", "c\"d", "e\\f", "\"\u{301}", "nul\u{0}byte"]
            let rows = try db.query("SELECT $1::timestamptz AS t, array_length($2::text[], 1) AS n, ($2::text[])[4] AS combining, $3::text AS nul",
                                    [date, PGArray(hostile), "a\u{0}b"])
            #expect(abs(try rows[0].date("t").timeIntervalSince1970 - 1_700_000_000.123456) < 0.000_01)
            #expect(try rows[0].int("n") == 5)
            #expect(try rows[0].string("combining") == "\"\u{301}")
            #expect(try rows[0].string("nul") == "a\u{FFFD}b")
        }
    }

    @Test func poolRunsConcurrentQueries() async throws {
        try await withTestDatabase { database in
            let pool = PGPool(url: database.url, size: 4)
            let sum = try await withThrowingTaskGroup(of: Int64.self) { group in
                for value in 1...40 {
                    group.addTask { try await pool.query("SELECT $1::bigint AS v", [Int64(value)]).first!.int("v") }
                }
                return try await group.reduce(0, +)
            }
            #expect(sum == 820)
            await pool.shutdown()
        }
    }

    @Test func unreachableServerIsAConnectionError() {
        do {
            _ = try PGConnection(url: "postgresql://nobody@127.0.0.1:1/none")
            Issue.record("connected to a closed port")
        } catch let error as PGError {
            #expect(error.kind == .connection)
            #expect(error.isTransient)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func migrationsAreIdempotent() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            #expect(try Migrator.migrate(db).isEmpty)
            #expect(try Migrator.currentVersion(db) == Migrations.all.last?.version)
        }
    }
}
