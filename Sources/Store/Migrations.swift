/// Versioned schema, applied in order by `faultline migrate`: one file per migration in
/// `Sources/Store/Migrations/NNNN_name.sql`, compiled into the binary (`Plugins/EmbedMigrations`).
/// Never edit an applied migration; add the next file. The schema they add up to:
/// `Sources/Store/schema.sql`. Which component writes and reads each table: docs/ARCHITECTURE.md.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// False for a file whose first line is `-- faultline:no-transaction`: its statements run one
    /// by one outside a transaction (e.g. `CREATE INDEX CONCURRENTLY`), so each must be safe to
    /// run again (`IF NOT EXISTS`) should the process stop before the version is recorded.
    public let transactional: Bool

    public init(version: Int, name: String, sql: String, transactional: Bool = true) {
        self.version = version
        self.name = name
        self.sql = sql
        self.transactional = transactional
    }
}

public enum Migrations {
    /// Every migration, by version. A malformed file name stops the process at first use:
    /// the files are part of the build, so this is a programming error, caught by the tests.
    public static let all: [Migration] = {
        do {
            return try MigrationFiles.parse(MigrationFiles.embedded)
        } catch {
            fatalError("\(error)")
        }
    }()
}
