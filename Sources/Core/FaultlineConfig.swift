import Foundation

/// The one configuration type. Built from environment variables, then overridden by flags
/// (see the README's configuration table).
public struct FaultlineConfig: Sendable {
    /// libpq URL of the PostgreSQL database.
    public var databaseURL: String
    /// Kafka bootstrap servers; empty means librdkafka's embedded mock cluster in-process.
    public var kafkaBrokers: String
    /// Extra librdkafka properties, from `FAULTLINE_KAFKA_<PROPERTY>` (dots as underscores)
    /// e.g. `FAULTLINE_KAFKA_SECURITY_PROTOCOL=ssl`.
    public var kafkaProperties: [String: String]
    /// Address the HTTP listener binds to.
    public var host: String
    /// Port of this service's HTTP listener (ingest, API, or `/metrics` for the processor).
    public var port: Int?
    /// Base URL that SDKs and tools reach this installation at, used in DSNs.
    public var publicURL: String?
    public var topics: Topics
    /// Partitions of each topic when Faultline creates it.
    public var topicPartitions: Int32
    public var consumerGroup: String
    /// Most messages the processor takes into one database transaction.
    public var batchSize: Int
    /// Days of events processors keep (the singleton `retention` job, hourly); 0 keeps everything.
    public var retentionDays: Int
    public var logLevel: String
    /// Timeouts and limits of every HTTP listener.
    public var http = HTTPLimits()
    /// Proxies whose `X-Forwarded-For` the relay believes; none by default.
    public var trustedProxies = TrustedProxies.none
    /// Bytes all ingest requests together may hold while being read, decompressed and parsed
    /// (`FAULTLINE_RELAY_MAX_BYTES_IN_FLIGHT`); beyond it the relay answers 503 with `Retry-After`.
    public var relayMaxBytesInFlight = 256 * 1024 * 1024
    /// Bytes requests may hold before authentication (`FAULTLINE_RELAY_MAX_PREAUTH_BYTES_IN_FLIGHT`).
    public var relayMaxPreAuthBytesInFlight = 16 * 1024 * 1024
    /// Whether the relay writes requests to its write-ahead spool before answering 200
    /// (`FAULTLINE_SPOOL`): `auto` does with the embedded broker (whose log is in memory) and not
    /// with a real Kafka (whose replicated log is durable when it acknowledges).
    public var spoolMode = SpoolMode.auto
    /// The spool's directory (`FAULTLINE_SPOOL_DIR`); nil: `.faultline/spool` for `faultline dev`,
    /// `.faultline/spool-<port>` for `faultline relay`. One relay per directory (it is locked).
    public var spoolDirectory: String?
    /// Most bytes the spool holds (`FAULTLINE_SPOOL_MAX_BYTES`, at least 256 MiB); beyond it the
    /// relay answers 503 with `Retry-After`.
    public var spoolMaxBytes = 1024 * 1024 * 1024

    /// Bytes each organization may keep in the blob store (`FAULTLINE_ARTIFACT_QUOTA_BYTES`):
    /// uploaded source maps, bundles, debug files and release files, deduplicated.
    public var artifactQuotaBytes: Int64 = 1024 * 1024 * 1024

    public enum SpoolMode: String, Sendable { case auto, on, off }

    public init(databaseURL: String = FaultlineConfig.defaultDatabaseURL, kafkaBrokers: String = "",
                kafkaProperties: [String: String] = [:], host: String = "127.0.0.1", port: Int? = nil,
                publicURL: String? = nil, topics: Topics = Topics(), topicPartitions: Int32 = 4,
                consumerGroup: String = "faultline-processor", batchSize: Int = 1000, retentionDays: Int = 90,
                logLevel: String = "info") {
        self.databaseURL = databaseURL
        self.kafkaBrokers = kafkaBrokers
        self.kafkaProperties = kafkaProperties
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.topics = topics
        self.topicPartitions = topicPartitions
        self.consumerGroup = consumerGroup
        self.batchSize = batchSize
        self.retentionDays = retentionDays
        self.logLevel = logLevel
    }

    public static let defaultDatabaseURL = "postgresql://faultline@127.0.0.1:5433/faultline"

    /// Reads every `FAULTLINE_*` variable; unknown ones are ignored, malformed numbers are errors.
    public static func fromEnvironment(_ environment: [String: String]) throws -> FaultlineConfig {
        var config = FaultlineConfig()
        func value(_ key: String) -> String? {
            guard let value = environment[key], !value.isEmpty else { return nil }
            return value
        }
        func integer(_ key: String) throws -> Int? {
            guard let text = value(key) else { return nil }
            guard let number = Int(text) else { throw ConfigError("\(key)=\(text) is not a number") }
            return number
        }
        if let url = value("FAULTLINE_DATABASE_URL") { config.databaseURL = url }
        config.kafkaBrokers = environment["FAULTLINE_KAFKA_BROKERS"] ?? ""
        if let host = value("FAULTLINE_HOST") { config.host = host }
        config.port = try integer("FAULTLINE_PORT")
        config.publicURL = value("FAULTLINE_PUBLIC_URL")
        if let partitions = try integer("FAULTLINE_TOPIC_PARTITIONS") {
            guard let count = Int32(exactly: partitions), count > 0 else {
                throw ConfigError("FAULTLINE_TOPIC_PARTITIONS=\(partitions) is not a partition count")
            }
            config.topicPartitions = count
        }
        if let group = value("FAULTLINE_CONSUMER_GROUP") { config.consumerGroup = group }
        if let batch = try integer("FAULTLINE_BATCH_SIZE") { config.batchSize = batch }
        if let days = try integer("FAULTLINE_RETENTION_DAYS") {
            guard days >= 0 else { throw ConfigError("FAULTLINE_RETENTION_DAYS=\(days) must be 0 (keep everything) or more") }
            config.retentionDays = days
        }
        if let level = value("FAULTLINE_LOG_LEVEL") { config.logLevel = level }
        func seconds(_ key: String) throws -> Double? {
            guard let text = value(key) else { return nil }
            guard let number = Double(text), number.isFinite, number > 0, number <= 86_400 else {
                throw ConfigError("\(key)=\(text) is not a number of seconds between 0 and 86400")
            }
            return number
        }
        func positive(_ key: String) throws -> Int? {
            guard let number = try integer(key) else { return nil }
            guard number > 0 else { throw ConfigError("\(key)=\(number) must be positive") }
            return number
        }
        if let timeout = try seconds("FAULTLINE_HTTP_HEADER_TIMEOUT") { config.http.headerTimeout = timeout }
        if let timeout = try seconds("FAULTLINE_HTTP_BODY_IDLE_TIMEOUT") { config.http.bodyIdleTimeout = timeout }
        if let timeout = try seconds("FAULTLINE_HTTP_REQUEST_TIMEOUT") { config.http.requestTimeout = timeout }
        if let timeout = try seconds("FAULTLINE_HTTP_KEEPALIVE_TIMEOUT") { config.http.keepAliveTimeout = timeout }
        if let bytes = try positive("FAULTLINE_HTTP_MAX_HEADER_BYTES") { config.http.maxHeaderBytes = bytes }
        if let count = try positive("FAULTLINE_HTTP_MAX_CONNECTIONS") { config.http.maxConnections = count }
        if let proxies = value("FAULTLINE_TRUSTED_PROXIES") { config.trustedProxies = try TrustedProxies(proxies) }
        if let bytes = try positive("FAULTLINE_RELAY_MAX_BYTES_IN_FLIGHT") { config.relayMaxBytesInFlight = bytes }
        if let bytes = try positive("FAULTLINE_RELAY_MAX_PREAUTH_BYTES_IN_FLIGHT") { config.relayMaxPreAuthBytesInFlight = bytes }
        if let mode = value("FAULTLINE_SPOOL") {
            guard let parsed = SpoolMode(rawValue: mode.lowercased()) else {
                throw ConfigError("FAULTLINE_SPOOL=\(mode) must be auto, on or off")
            }
            config.spoolMode = parsed
        }
        config.spoolDirectory = value("FAULTLINE_SPOOL_DIR")
        if let bytes = try positive("FAULTLINE_SPOOL_MAX_BYTES") {
            // Two 64 MiB segments at least, and room for bursts: below 256 MiB is a mistake.
            guard bytes >= 256 * 1024 * 1024 else { throw ConfigError("FAULTLINE_SPOOL_MAX_BYTES=\(bytes) must be at least 268435456 (256 MiB)") }
            config.spoolMaxBytes = bytes
        }
        if let bytes = try positive("FAULTLINE_ARTIFACT_QUOTA_BYTES") { config.artifactQuotaBytes = Int64(bytes) }
        for (key, path) in Topics.environmentKeys {
            if let name = value(key) { config.topics[keyPath: path] = name }
        }
        for (key, topic) in environment where key.hasPrefix("FAULTLINE_ITEM_TOPIC_") && !topic.isEmpty {
            config.topics.extraItemTopics[key.dropFirst("FAULTLINE_ITEM_TOPIC_".count).lowercased()] = topic
        }
        for (key, raw) in environment where key.hasPrefix("FAULTLINE_KAFKA_") && key != "FAULTLINE_KAFKA_BROKERS" {
            let property = key.dropFirst("FAULTLINE_KAFKA_".count).lowercased().replacingOccurrences(of: "_", with: ".")
            config.kafkaProperties[property] = raw
        }
        return config
    }

    /// The URL printed in DSNs: `publicURL`, else the listener's own address.
    public func baseURL(defaultPort: Int) -> String {
        if let publicURL { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        let shownHost = host == "0.0.0.0" ? "127.0.0.1" : host
        return "http://\(shownHost):\(port ?? defaultPort)"
    }
}

/// A configuration value that cannot be used, with what to fix.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
