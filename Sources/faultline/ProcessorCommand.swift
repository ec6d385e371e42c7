import ArgumentParser
import Hummingbird
import Kafka
import Processor
import Web

struct ProcessorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "processor",
        abstract: "Consume ingest-events and outcomes as a consumer-group member and write issues and outcome counts to PostgreSQL (/metrics on port 9002).")

    @OptionGroup var options: ServiceOptions

    @Option(help: "Consumer-group members in this process, each on its own thread.")
    var workers: Int = 1

    func run() async throws {
        try await CommandRunner.run {
            let (config, logger) = try Runtime.start(options)
            let (kafka, broker) = try Runtime.kafka(config, logger: logger)
            let service = Runtime.processorService(config, kafka: kafka, embedded: broker != nil, workers: workers, logger: logger)
            let router = Runtime.router()
            try await HTTPServer.run(router: router, config: config, defaultPort: 9002, services: [service] + Runtime.jobServices(config, logger: logger), logger: logger)
            broker?.shutdown()
        }
    }
}
