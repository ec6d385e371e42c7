import ArgumentParser
import Postgres
import Store

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply the database schema migrations.")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await CommandRunner.run {
            let config = try options.config()
            let connection = try Runtime.connect(config)
            defer { connection.close() }
            let applied = try Migrator.migrate(connection)
            let current = try Migrator.currentVersion(connection) ?? 0
            print(applied.isEmpty ? "schema up to date (version \(current))" : "applied \(applied.map(String.init).joined(separator: ", ")); schema at version \(current)")
        }
    }
}
