import Kafka
import Quotas

/// What one poll becomes: events to write, outcomes to count, messages to record as dead
/// letters, and for each partition the span of offsets they came from.
public struct Batch: Sendable {
    public var events: [ProcessedEvent] = []
    public var outcomes: [OutcomeRecord] = []
    public var deadLetters: [DeadLetter] = []
    public var spans: [TopicPartition: OffsetSpan] = [:]

    public init() {}

    public mutating func cover(_ message: KafkaMessage) {
        let partition = TopicPartition(topic: message.topic, partition: message.partition)
        if let span = spans[partition] {
            spans[partition] = OffsetSpan(first: min(span.first, message.offset), next: max(span.next, message.offset + 1))
        } else {
            spans[partition] = OffsetSpan(first: message.offset, next: message.offset + 1)
        }
    }

    public var isEmpty: Bool { spans.isEmpty }
}

/// Offsets `first..<next` of one partition.
public struct OffsetSpan: Sendable, Equatable {
    public let first: Int64
    public let next: Int64
}

/// A message that cannot be processed, kept with the reason instead of blocking its partition.
public struct DeadLetter: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let projectID: Int64?
    public let reason: String
    public let payload: [UInt8]
}
