import ArgumentParser
import Hummingbird
import Kafka
import Postgres
import Processor
import Query
import Relay
import Web

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Relay, processor and query in one process, with the embedded broker unless one is configured; one port serves ingest and API (9000).")

    @OptionGroup var options: ServiceOptions

    @Option(help: "Processor workers (consumer-group members) in this process, each on its own thread.")
    var workers: Int = 1

    func run() async throws {
        try await CommandRunner.run {
            let (config, logger) = try Runtime.start(options)
            let (kafka, broker) = try Runtime.kafka(config, logger: logger)
            let pool = PGPool(url: config.databaseURL, size: 8)
            let processor = Runtime.processorService(config, kafka: kafka, embedded: broker != nil, workers: workers, niceness: 10,
                                                     logger: logger)
            let router = Runtime.router()
            let backlog = try BacklogMonitor.startIfEmbedded(
                kafka: kafka, group: config.consumerGroup, topics: ProcessorTopics.consumed(config.topics),
                databaseURL: config.databaseURL, logger: logger)
            let producer = try KafkaProducer(config: backlog == nil ? kafka : kafka.adding(EmbeddedBroker.producerProperties), logger: logger)
            let durable = try RelayDurability.spool(config, producer: producer, backlog: backlog, pool: pool,
                                                    defaultDirectory: ".faultline/spool", logger: logger)
            IngestRoutes(producer: producer, pool: pool, topics: config.topics, limits: Runtime.relayLimits(config),
                         trustedProxies: config.trustedProxies, backlog: backlog, spool: durable?.0, logger: logger).add(to: router)
            APIRoutes(pool: pool, baseURL: config.baseURL(defaultPort: 9000), artifacts: Runtime.artifactLimits(config)).add(to: router)
            DashboardRoutes(pool: pool, baseURL: config.baseURL(defaultPort: 9000)).add(to: router)
            try await HTTPServer.run(router: router, config: config, defaultPort: 9000, services: [processor] + Runtime.jobServices(config, logger: logger) + (durable.map { [$0.1] } ?? []),
                                    logger: logger)
            backlog?.stop()
            producer.close()
            broker?.shutdown()
            await pool.shutdown()
        }
    }
}
