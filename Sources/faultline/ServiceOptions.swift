import ArgumentParser
import Core
import Foundation

/// Flags shared by every command; each overrides its `FAULTLINE_*` environment variable.
struct ServiceOptions: ParsableArguments {
    @Option(help: "PostgreSQL URL (FAULTLINE_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Kafka bootstrap servers; empty runs the embedded mock cluster (FAULTLINE_KAFKA_BROKERS).")
    var kafkaBrokers: String?

    @Option(help: "Address to listen on (FAULTLINE_HOST).")
    var host: String?

    @Option(help: "Port to listen on (FAULTLINE_PORT).")
    var port: Int?

    @Option(help: "Base URL SDKs reach this installation at, used in DSNs (FAULTLINE_PUBLIC_URL).")
    var publicURL: String?

    @Option(help: "Kafka consumer group of the processor (FAULTLINE_CONSUMER_GROUP).")
    var consumerGroup: String?

    @Option(help: "trace, debug, info, notice, warning, error (FAULTLINE_LOG_LEVEL).")
    var logLevel: String?

    func config() throws -> FaultlineConfig {
        var config = try FaultlineConfig.fromEnvironment(ProcessInfo.processInfo.environment)
        if let databaseURL { config.databaseURL = databaseURL }
        if let kafkaBrokers { config.kafkaBrokers = kafkaBrokers }
        if let host { config.host = host }
        if let port { config.port = port }
        if let publicURL { config.publicURL = publicURL }
        if let consumerGroup { config.consumerGroup = consumerGroup }
        if let logLevel { config.logLevel = logLevel }
        return config
    }
}
