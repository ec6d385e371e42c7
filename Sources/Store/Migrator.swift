import Postgres

/// Applies `Migrations.all` that are not yet applied, each in its own transaction, under an
/// advisory lock so concurrent `migrate` runs wait for each other.
public enum Migrator {
    /// Returns the versions applied by this call.
    @discardableResult
    public static func migrate(_ connection: PGConnection) throws -> [Int] {
        _ = try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """)
        return try connection.transaction { tx in
            try tx.query("SELECT pg_advisory_xact_lock($1)", [Int64(0x6661756c74)])
            let done = Set(try tx.query("SELECT version FROM schema_migrations").rows.map { try $0.int("version") })
            var applied: [Int] = []
            for migration in Migrations.all where !done.contains(Int64(migration.version)) {
                _ = try tx.execute(migration.sql)
                try tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                             [migration.version, migration.name])
                applied.append(migration.version)
            }
            return applied
        }
    }

    /// The highest applied version, or nil on an empty database.
    public static func currentVersion(_ connection: PGConnection) throws -> Int? {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
        guard try exists.first?.bool("present") == true else { return nil }
        return try connection.query("SELECT max(version) AS v FROM schema_migrations").first?.optionalInt("v").map(Int.init)
    }
}
