import Core
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Web

/// Runs a router (and services beside it) until SIGTERM/SIGINT, with the connection limits and
/// slow-client deadlines of `config.http`. On shutdown the listener stops first, then the
/// services in reverse order.
enum HTTPServer {
    static func run(router: Router<FaultlineRequestContext>, config: FaultlineConfig, defaultPort: Int,
                    services: [any Service] = [], logger: Logger) async throws {
        let port = config.port ?? defaultPort
        let app = Application(
            router: router,
            server: HTTPServerSetup.server(config.http),
            configuration: HTTPServerSetup.configuration(host: config.host, port: port, limits: config.http, logger: logger),
            services: services,
            onServerRunning: { _ in logger.info("http: listening on \(config.host):\(port)") },
            logger: logger)
        do {
            try await app.runService()
        } catch {
            let text = String(describing: error)
            if text.contains("Address already in use") {
                throw Failure("port \(port) on \(config.host) is already in use — choose another with --port or FAULTLINE_PORT")
            }
            if text.contains("Cannot assign requested address") || text.contains("Name or service not known") {
                throw Failure("cannot listen on \(config.host):\(port) — check --host or FAULTLINE_HOST")
            }
            throw error
        }
    }
}
