import Kafka

/// What one poll becomes: each handler's write, messages to record as dead letters, and for
/// each partition the span of offsets they came from.
public struct Batch {
    public var writes: [TopicWrite] = []
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

    /// A batch's span per partition claims every offset in it, so only gap-free runs may be
    /// written: for each partition, the messages from its lowest offset up to the first gap. The
    /// rest is dropped, with the offset to read that partition again from.
    public static func contiguousRuns(_ messages: [KafkaMessage]) -> (messages: [KafkaMessage], resume: [TopicPartition: Int64]) {
        let order = messages.indices.sorted {
            let (a, b) = (messages[$0], messages[$1])
            return (a.topic, a.partition, a.offset) < (b.topic, b.partition, b.offset)
        }
        var expected: [TopicPartition: Int64] = [:]
        var resume: [TopicPartition: Int64] = [:]
        var kept = [Bool](repeating: false, count: messages.count)
        for index in order {
            let message = messages[index]
            let partition = TopicPartition(topic: message.topic, partition: message.partition)
            guard resume[partition] == nil else { continue }
            let next = expected[partition] ?? message.offset
            if message.offset == next {
                expected[partition] = next + 1
                kept[index] = true
            } else if message.offset > next {
                resume[partition] = next
            }
        }
        return (messages.indices.filter { kept[$0] }.map { messages[$0] }, resume)
    }
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
