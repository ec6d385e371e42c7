import Postgres

/// Applies the `Migrations.all` not yet applied, in version order, each in its own transaction
/// (with its `schema_migrations` row), under a session advisory lock so concurrent `migrate`
/// runs wait for each other. A failing migration leaves the ones before it applied.
public enum Migrator {
    /// Key of the advisory lock `migrate` holds ("fault" in ASCII).
    static let lockKey = Int64(0x6661756c74)

    /// Returns the versions applied by this call.
    @discardableResult
    public static func migrate(_ connection: PGConnection, migrations: [Migration] = Migrations.all) throws -> [Int] {
        _ = try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """)
        try connection.query("SELECT pg_advisory_lock($1)", [lockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [lockKey]) }
        let done = Set(try connection.query("SELECT version FROM schema_migrations").rows.map { try $0.int("version") })
        var applied: [Int] = []
        for migration in migrations where !done.contains(Int64(migration.version)) {
            if migration.transactional {
                try connection.transaction { tx in
                    _ = try tx.execute(migration.sql)
                    try record(migration, tx)
                }
            } else {
                for statement in MigrationFiles.statements(migration.sql) {
                    _ = try connection.execute(statement)
                }
                try record(migration, connection)
            }
            applied.append(migration.version)
        }
        return applied
    }

    private static func record(_ migration: Migration, _ connection: PGConnection) throws {
        try connection.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                             [migration.version, migration.name])
    }

    /// The highest applied version, or nil on an empty database.
    public static func currentVersion(_ connection: PGConnection) throws -> Int? {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
        guard try exists.first?.bool("present") == true else { return nil }
        return try connection.query("SELECT max(version) AS v FROM schema_migrations").first?.optionalInt("v").map(Int.init)
    }
}
