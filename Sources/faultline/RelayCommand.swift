import ArgumentParser
import Hummingbird
import Kafka
import Postgres
import Relay
import Web

struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay", abstract: "Serve Sentry's ingest endpoints and produce accepted items to Kafka (port 9000).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await CommandRunner.run {
            let config = try options.config()
            let logger = Runtime.bootstrap(config)
            try Runtime.checkDatabase(config)
            let (kafka, broker) = try Runtime.kafka(config, logger: logger)
            let producer = try KafkaProducer(config: kafka, logger: logger)
            let pool = PGPool(url: config.databaseURL, size: 4)
            let router = Router(context: FaultlineRequestContext.self)
            OperationalRoutes.add(to: router, registry: Runtime.registry)
            IngestRoutes(producer: producer, keys: KeyCache(pool: pool), topics: config.topics, logger: logger).add(to: router)
            try await HTTPServer.run(router: router, config: config, defaultPort: 9000, logger: logger)
            producer.close()
            broker?.shutdown()
            await pool.shutdown()
        }
    }
}
