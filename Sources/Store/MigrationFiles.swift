import Foundation

/// Turns migration files into `Migration`s (pure). A file is `NNNN_name.sql`: the digits are the
/// version recorded in `schema_migrations`, the rest its name.
enum MigrationFiles {
    static let noTransactionMarker = "-- faultline:no-transaction"

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ files: [(file: String, text: String)]) throws -> [Migration] {
        var migrations: [Migration] = []
        for (file, text) in files {
            guard file.hasSuffix(".sql"), let underscore = file.firstIndex(of: "_") else {
                throw Malformed(description: "migration file \(file): expected NNNN_name.sql")
            }
            let digits = file[..<underscore]
            let name = file[file.index(after: underscore)...].dropLast(4)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
                  let version = Int(digits), !name.isEmpty else {
                throw Malformed(description: "migration file \(file): expected NNNN_name.sql")
            }
            let firstLine = text.prefix { $0 != "\n" }.trimmingCharacters(in: .whitespacesAndNewlines)
            migrations.append(Migration(version: version, name: String(name), sql: text,
                                        transactional: firstLine != noTransactionMarker))
        }
        migrations.sort { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw Malformed(description: "two migrations with version \(next.version): \(previous.name), \(next.name)")
        }
        return migrations
    }

    /// The statements of a no-transaction migration: each ends with a `;` at the end of a line
    /// (PostgreSQL runs a multi-statement string as one implicit transaction, which
    /// `CREATE INDEX CONCURRENTLY` refuses). Comment-only lines are dropped; such files hold no
    /// function bodies, so no `;` inside a statement ends a line.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current: [Substring] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("--") { continue }
            current.append(line)
            if trimmed.hasSuffix(";") {
                statements.append(current.joined(separator: "\n"))
                current = []
            }
        }
        if !current.isEmpty { statements.append(current.joined(separator: "\n")) }
        return statements
    }
}
