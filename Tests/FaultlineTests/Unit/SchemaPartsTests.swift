import Foundation
import Testing
@testable import Store

/// The pure parts behind migrations and the schema rule.
@Suite struct SchemaPartsTests {
    @Test func migrationFilesKeepTheVersionsAndNamesDatabasesAlreadyRecorded() {
        // schema_migrations of databases migrated before the .sql files hold exactly these.
        let recorded = [(1, "foundation"), (2, "relay-limits-and-filters"), (3, "data-scrubbing"), (4, "rollups"),
                        (5, "lifecycle-releases-partitions-grouping-rules"), (6, "api-triage-releases-outcomes"),
                        (7, "issue-list-indexes")]
        let all = Migrations.all
        #expect(Array(all.prefix(7).map { "\($0.version) \($0.name)" }) == recorded.map { "\($0.0) \($0.1)" })
        #expect(all.map(\.version) == Array(1...all.count))
        #expect(all.first?.sql.hasPrefix("CREATE TABLE organizations (") == true)
        #expect(all.filter { !$0.transactional }.map(\.name) == ["project-keys-by-project"])
    }

    @Test func migrationFileNamesGiveVersionNameAndTransactionMode() throws {
        let parsed = try MigrationFiles.parse([
            ("0010_later.sql", "-- faultline:no-transaction\nCREATE INDEX CONCURRENTLY a ON t (x);\n"),
            ("0002_first-step.sql", "-- a comment\nCREATE TABLE t (x int);\n"),
        ])
        #expect(parsed == [
            Migration(version: 2, name: "first-step", sql: "-- a comment\nCREATE TABLE t (x int);\n"),
            Migration(version: 10, name: "later", sql: "-- faultline:no-transaction\nCREATE INDEX CONCURRENTLY a ON t (x);\n",
                      transactional: false),
        ])
        for bad in ["0003.sql", "_x.sql", "12a_x.sql", "0004_.sql", "0005_x.txt", "٣_arabic-digit.sql"] {
            #expect(throws: MigrationFiles.Malformed.self) { try MigrationFiles.parse([(bad, "")]) }
        }
        #expect(throws: MigrationFiles.Malformed.self) { try MigrationFiles.parse([("1_a.sql", ""), ("0001_b.sql", "")]) }
    }

    @Test func noTransactionMigrationsSplitIntoStatementsAtLineEndingSemicolons() {
        let sql = """
            -- faultline:no-transaction
            -- why
            CREATE INDEX CONCURRENTLY IF NOT EXISTS a
                ON t (x);

            DROP INDEX CONCURRENTLY IF EXISTS b; -- a comment after the ; keeps the statement open
            CREATE INDEX CONCURRENTLY c ON t (';');
            """
        #expect(MigrationFiles.statements(sql) == [
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS a\n    ON t (x);",
            "DROP INDEX CONCURRENTLY IF EXISTS b; -- a comment after the ; keeps the statement open\nCREATE INDEX CONCURRENTLY c ON t (';');",
        ])
    }

    @Test func schemaRuleNamesEveryTableNeitherKeyedNorListed() {
        let tables = [
            SchemaRule.Table(name: "events", projectIDNotNull: true, projectIDLeadsIndex: true),
            SchemaRule.Table(name: "widgets", projectIDNotNull: false, projectIDLeadsIndex: false),
            SchemaRule.Table(name: "gadgets", projectIDNotNull: true, projectIDLeadsIndex: false),
            SchemaRule.Table(name: "organizations", projectIDNotNull: false, projectIDLeadsIndex: false),
            SchemaRule.Table(name: "listed_but_keyed", projectIDNotNull: true, projectIDLeadsIndex: true),
        ]
        let exceptions: [String: SchemaRule.Exception] = ["organizations": .organizationLevel, "listed_but_keyed": .installation,
                                                          "dropped": .perRelease]
        #expect(SchemaRule.violations(tables, exceptions: exceptions) == [
            "widgets has no NOT NULL project_id: key it by project or list it in SchemaRule.exceptions",
            "gadgets has no index led by project_id: key it by project or list it in SchemaRule.exceptions",
            "listed_but_keyed is keyed by project but listed as installation: remove it from SchemaRule.exceptions",
            "dropped is listed in SchemaRule.exceptions but no such table exists",
        ])
    }
}
