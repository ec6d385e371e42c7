import ArgumentParser
import Hummingbird
import Kafka
import Processor
import Web

struct ProcessorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "processor",
        abstract: "Consume ingest-events as a consumer-group member and write issues to PostgreSQL (/metrics on port 9002).")

    @OptionGroup var options: ServiceOptions

    @Option(help: "Consumer-group members in this process, each on its own thread.")
    var workers: Int = 1

    func run() async throws {
        try await CommandRunner.run {
            let config = try options.config()
            let logger = Runtime.bootstrap(config)
            try Runtime.checkDatabase(config)
            let (kafka, broker) = try Runtime.kafka(config, logger: logger)
            let service = ProcessorService(
                settings: .init(kafka: kafka, databaseURL: config.databaseURL, group: config.consumerGroup,
                                topic: config.topics.events, batchSize: config.batchSize, drainOnStop: broker != nil),
                workers: workers, logger: logger)
            let router = Router(context: FaultlineRequestContext.self)
            OperationalRoutes.add(to: router, registry: Runtime.registry)
            try await HTTPServer.run(router: router, config: config, defaultPort: 9002, services: [service], logger: logger)
            broker?.shutdown()
        }
    }
}
