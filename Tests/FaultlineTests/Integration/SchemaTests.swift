import Foundation
import Postgres
import Store
import Testing

/// The migrated schema against `Sources/Store/schema.sql` and against the schema rule.
@Suite struct SchemaTests {
    static let schemaFile = TestEnvironment.packageRoot.appendingPathComponent("Sources/Store/schema.sql")

    /// `FAULTLINE_WRITE_SCHEMA=1 swift test --filter SchemaTests` rewrites the file instead.
    @Test func migrationsAddUpToTheCheckedInSchema() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let dumped = try SchemaCatalog.dump(db)
            if ProcessInfo.processInfo.environment["FAULTLINE_WRITE_SCHEMA"] == "1" {
                try dumped.write(to: Self.schemaFile, atomically: true, encoding: .utf8)
            }
            let checkedIn = try String(contentsOf: Self.schemaFile, encoding: .utf8)
            let diff = Self.diff(expected: checkedIn, actual: dumped)
            #expect(diff.isEmpty, """
                Sources/Store/schema.sql differs from the migrated database (- file, + database); \
                regenerate it with FAULTLINE_WRITE_SCHEMA=1 swift test --filter SchemaTests
                \(diff.joined(separator: "\n"))
                """)
        }
    }

    @Test func everyTableIsKeyedByProjectOrListedWithWhyNot() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            // A day partition counts as events: the catalog query leaves partitions out.
            #expect(try db.query("SELECT faultline_ensure_event_partition('2026-01-02') AS ok").first?.bool("ok") == true)
            let tables = try SchemaCatalog.tables(db)
            #expect(tables.contains { $0.name == "events" && $0.isKeyedByProject })
            #expect(!tables.contains { $0.name.hasPrefix("events_") })
            let violations = SchemaRule.violations(tables)
            #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
        }
    }

    @Test func eachMigrationCommitsOnItsOwnSoAFailureKeepsTheOnesBefore() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let next = (Migrations.all.last?.version ?? 0) + 1
            let extra = Migrations.all + [
                Migration(version: next, name: "good", sql: "CREATE TABLE migration_probe (project_id bigint PRIMARY KEY);"),
                Migration(version: next + 1, name: "concurrent", sql: """
                    -- faultline:no-transaction
                    CREATE INDEX CONCURRENTLY IF NOT EXISTS migration_probe_a ON migration_probe (project_id);
                    CREATE INDEX CONCURRENTLY IF NOT EXISTS migration_probe_b ON migration_probe (project_id DESC);
                    """, transactional: false),
                Migration(version: next + 2, name: "bad", sql: "CREATE TABLE migration_probe_2 (x int); SELECT no_such_column FROM migration_probe;"),
            ]
            #expect(throws: PGError.self) { try Migrator.migrate(db, migrations: extra) }
            #expect(try Migrator.currentVersion(db) == next + 1)
            let indexes = try db.query("SELECT indexname FROM pg_indexes WHERE tablename = 'migration_probe' ORDER BY 1").rows
                .map { try $0.string("indexname") }
            #expect(indexes == ["migration_probe_a", "migration_probe_b", "migration_probe_pkey"])
            // The failed migration left nothing behind, and the lock is free for the next run.
            #expect(try db.query("SELECT to_regclass('migration_probe_2') IS NULL AS gone").first?.bool("gone") == true)
            let other = try database.connect()
            #expect(try other.query("SELECT pg_try_advisory_lock($1) AS free", [Int64(0x6661756c74)]).first?.bool("free") == true)
        }
    }

    /// A line diff (longest common subsequence), enough for a schema of a few hundred lines.
    static func diff(expected: String, actual: String) -> [String] {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        guard a != b else { return [] }
        var common = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var lines: [String] = []
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                i += 1; j += 1
            } else if j < b.count, i == a.count || common[i][j + 1] >= common[i + 1][j] {
                lines.append("+ \(b[j])"); j += 1
            } else {
                lines.append("- \(a[i])"); i += 1
            }
        }
        return lines
    }
}
