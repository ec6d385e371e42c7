import Artifacts
import Core
import Delivery
import Hummingbird
import Foundation
import Kafka
import Logging
import Metrics
import Postgres
import Processor
import Relay
import Prometheus
import ServiceLifecycle
import Store
import Web

/// Process-wide setup and the checks every service does before it serves.
enum Runtime {
    nonisolated(unsafe) private static var bootstrapped = false
    static let registry = PrometheusCollectorRegistry()

    static func bootstrap(_ config: FaultlineConfig) -> Logger {
        if !bootstrapped {
            bootstrapped = true
            let level = Logger.Level(rawValue: config.logLevel.lowercased()) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        }
        return Logger(label: "faultline")
    }

    /// A connection, or a failure that says which URL did not work and where to set it.
    static func connect(_ config: FaultlineConfig) throws -> PGConnection {
        do {
            return try PGConnection(url: config.databaseURL)
        } catch let error as PGError {
            throw Failure("cannot connect to PostgreSQL at \(redacted(config.databaseURL)): \(error.message) — set FAULTLINE_DATABASE_URL or --database-url")
        }
    }

    /// Configuration, logging and metrics, and a database check: what every service does first.
    static func start(_ options: ServiceOptions) throws -> (FaultlineConfig, Logger) {
        let config = try options.config()
        let logger = bootstrap(config)
        try checkDatabase(config)
        return (config, logger)
    }

    /// A router with the operational routes every service has.
    static func router() -> Router<FaultlineRequestContext> {
        let router = Router(context: FaultlineRequestContext.self)
        OperationalRoutes.add(to: router, registry: registry)
        return router
    }

    /// Sentry relay's size limits, with this installation's in-flight budget.
    static func relayLimits(_ config: FaultlineConfig) -> RelayLimits {
        var limits = RelayLimits()
        limits.maxBytesInFlight = config.relayMaxBytesInFlight
        limits.maxPreAuthBytesInFlight = config.relayMaxPreAuthBytesInFlight
        limits.headerLineTimeout = config.http.headerTimeout
        return limits
    }

    static func processorService(_ config: FaultlineConfig, kafka: KafkaConfig, embedded: Bool, workers: Int = 1,
                                 niceness: Int32 = 0, logger: Logger) -> ProcessorService {
        var kafka = kafka
        if embedded && kafka.properties["fetch.wait.max.ms"] == nil {
            // The mock cluster answers a fetch only when this wait ends, even when data arrived
            // earlier (a real broker answers at once), so keep it short for latency.
            kafka.properties["fetch.wait.max.ms"] = "20"
        }
        var settings = ProcessorWorker.Settings(kafka: kafka, databaseURL: config.databaseURL, group: config.consumerGroup,
                                                topics: config.topics, batchSize: config.batchSize, drainOnStop: embedded)
        settings.niceness = niceness
        return ProcessorService(settings: settings, workers: workers, logger: logger)
    }

    /// The upload limits, with the configured organization quota.
    static func artifactLimits(_ config: FaultlineConfig) -> ArtifactLimits {
        var limits = ArtifactLimits()
        limits.organizationQuotaBytes = config.artifactQuotaBytes
        return limits
    }

    /// The singleton jobs processors run (one leader across all of them), and the outbox deliverer
    /// (one per outbox partition across all of them).
    static func jobServices(_ config: FaultlineConfig, logger: Logger) -> [any Service] {
        var jobs: [PeriodicJob] = [.receipts(), .blobs(artifactRetentionDays: config.retentionDays), .sessions()]
        if config.retentionDays > 0 { jobs.append(.retention(keepDays: config.retentionDays)) }
        let deliverer = OutboxDeliverer(settings: .init(databaseURL: config.databaseURL, baseURL: config.baseURL(defaultPort: 9000)),
                                        logger: logger)
        return [JobRunnerService(JobRunner(settings: .init(databaseURL: config.databaseURL), jobs: jobs, logger: logger)),
                OutboxDelivererService(deliverer)]
    }

    /// Connects once and checks the schema, so a wrong URL or an unmigrated database is one clear line.
    static func checkDatabase(_ config: FaultlineConfig) throws {
        let connection = try connect(config)
        defer { connection.close() }
        let version = try Migrator.currentVersion(connection)
        let latest = Migrations.all.last?.version ?? 0
        guard let version, version >= latest else {
            throw Failure("database schema is at version \(version.map(String.init) ?? "none"), expected \(latest): run `faultline migrate`")
        }
    }

    /// The Kafka to use: the configured cluster (topics created if missing) or an embedded mock
    /// cluster started in this process.
    static func kafka(_ config: FaultlineConfig, logger: Logger) throws -> (KafkaConfig, EmbeddedBroker?) {
        let specs = config.topics.all.map { TopicSpec(name: $0, partitions: config.topicPartitions) }
        if config.kafkaBrokers.isEmpty {
            let broker = try EmbeddedBroker()
            for spec in specs { try broker.createTopic(spec) }
            logger.info("kafka: embedded mock cluster at \(broker.bootstrapServers) (in memory; set FAULTLINE_KAFKA_BROKERS for a real cluster)")
            return (KafkaConfig(bootstrapServers: broker.bootstrapServers, properties: config.kafkaProperties), broker)
        }
        let kafka = KafkaConfig(bootstrapServers: config.kafkaBrokers, properties: config.kafkaProperties)
        do {
            try KafkaAdmin.createTopics(specs, config: kafka)
        } catch let error as KafkaError {
            throw Failure("cannot reach Kafka at \(config.kafkaBrokers): \(error.message) — check FAULTLINE_KAFKA_BROKERS")
        }
        return (kafka, nil)
    }

    /// The URL without its password, for messages.
    static func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}

/// A startup failure with what to fix: printed as one line, exit status 1.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
