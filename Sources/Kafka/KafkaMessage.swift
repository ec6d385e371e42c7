/// A message read from a topic partition.
public struct KafkaMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    public let value: [UInt8]
    /// The record's headers, in order (names are not unique in Kafka).
    public let headers: [KafkaHeader]

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The last header named `name`, as Kafka clients read a single-valued header.
    public func header(_ name: String) -> [UInt8]? { headers.last { $0.name == name }?.value }
}

/// Where a produced message landed.
public struct DeliveryReport: Sendable, Equatable {
    public let partition: Int32
    public let offset: Int64
}

/// One partition of one topic.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public let topic: String
    public let partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// One Kafka record header (a name and raw bytes).
public struct KafkaHeader: Sendable, Equatable {
    public let name: String
    public let value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }
}
