/// Connection settings shared by producers, consumers and the admin client.
/// `bootstrapServers` is a comma-separated `host:port` list.
public struct KafkaConfig: Sendable {
    public var bootstrapServers: String
    /// Extra librdkafka properties (see librdkafka's CONFIGURATION.md), applied last.
    public var properties: [String: String]

    public init(bootstrapServers: String, properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.properties = properties
    }

    /// This configuration with `extra` properties added where it sets none itself.
    public func adding(_ extra: [String: String]) -> KafkaConfig {
        KafkaConfig(bootstrapServers: bootstrapServers, properties: properties.merging(extra) { own, _ in own })
    }
}
