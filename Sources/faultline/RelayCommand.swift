import ArgumentParser
import Hummingbird
import Kafka
import Postgres
import Processor
import Relay
import Web

struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay", abstract: "Serve Sentry's ingest endpoints and produce accepted items to Kafka (port 9000).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await CommandRunner.run {
            let (config, logger) = try Runtime.start(options)
            let (kafka, broker) = try Runtime.kafka(config, logger: logger)
            let pool = PGPool(url: config.databaseURL, size: 4)
            let router = Runtime.router()
            // A broker inside this process has no consumers (processors cannot find it), so there
            // is no backlog to guard: this mode is for trying and benchmarking the relay alone.
            let backlog = broker != nil ? nil : try BacklogMonitor.startIfEmbedded(
                kafka: kafka, group: config.consumerGroup, topics: ProcessorTopics.consumed(config.topics),
                databaseURL: config.databaseURL, logger: logger)
            let mock = broker != nil || backlog != nil
            let producer = try KafkaProducer(config: mock ? kafka.adding(EmbeddedBroker.producerProperties) : kafka, logger: logger)
            // A broker inside this process has no readers either: nothing to make durable against.
            let durable = broker != nil && config.spoolMode != .on ? nil : try RelayDurability.spool(
                config, producer: producer, backlog: backlog, pool: pool, defaultDirectory: ".faultline/spool-\(config.port ?? 9000)", logger: logger)
            IngestRoutes(producer: producer, pool: pool, topics: config.topics, limits: Runtime.relayLimits(config),
                         trustedProxies: config.trustedProxies, backlog: backlog, spool: durable?.0, logger: logger).add(to: router)
            try await HTTPServer.run(router: router, config: config, defaultPort: 9000, services: durable.map { [$0.1] } ?? [],
                                     logger: logger)
            backlog?.stop()
            producer.close()
            broker?.shutdown()
            await pool.shutdown()
        }
    }
}
