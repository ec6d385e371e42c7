import ArgumentParser
import Hummingbird
import Postgres
import Query
import Web

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Serve the Sentry-compatible API under /api/0/ (port 9001).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await CommandRunner.run {
            let (config, logger) = try Runtime.start(options)
            let pool = PGPool(url: config.databaseURL, size: 8)
            let router = Runtime.router()
            APIRoutes(pool: pool, baseURL: config.baseURL(defaultPort: 9001), artifacts: Runtime.artifactLimits(config)).add(to: router)
            DashboardRoutes(pool: pool, baseURL: config.baseURL(defaultPort: 9001)).add(to: router)
            try await HTTPServer.run(router: router, config: config, defaultPort: 9001, logger: logger)
            await pool.shutdown()
        }
    }
}
