import Kafka

/// Whether the embedded broker can take more without deleting what the processors have not
/// read yet. librdkafka's mock cluster keeps at most 5 MiB of message sets per partition and
/// silently drops the oldest beyond that, so a relay that acknowledged past that point would
/// lose events it answered 200 for. Pure: the monitor feeds it what it measured.
public struct EmbeddedBrokerHeadroom: Sendable {
    /// The mock cluster's per-partition log limit (rdkafka_mock.c, not configurable).
    public static let mockPartitionBytes: Int64 = 5 * 1024 * 1024

    /// Share of a partition's log the unread messages may fill; the rest absorbs what arrives
    /// between two measurements.
    public var fillRatio: Double = 0.6
    /// Mean message size assumed for a topic this relay has not produced to yet (a typical
    /// event with frames and breadcrumbs).
    static let assumedMessageBytes: Double = 16 * 1024
    public var partitionBytes: Int64 = mockPartitionBytes

    public init(fillRatio: Double = 0.6, partitionBytes: Int64 = mockPartitionBytes) {
        self.fillRatio = fillRatio
        self.partitionBytes = partitionBytes
    }

    /// The first partition whose unread messages are past their share, or nil when all have
    /// room. `backlog`: each partition's state; `sentSince`: messages this relay had acknowledged on
    /// a partition since `backlog` was measured; `messageBytes`: the relay's mean uncompressed
    /// message size per topic.
    public func fullPartition(_ backlog: [PartitionBacklog], sentSince: [TopicPartition: Int64],
                            messageBytes: [String: Double]) -> TopicPartition? {
        backlog.first { state in
            isFull(unread: state.unread + (sentSince[state.partition] ?? 0), state: state,
                   messageBytes: messageBytes[state.partition.topic])
        }?.partition
    }

    private func isFull(unread: Int64, state: PartitionBacklog, messageBytes: Double?) -> Bool {
        guard unread > 0 else { return false }
        if state.low > 0 {
            // The log has been trimmed, so it holds as many messages as fit in its limit now:
            // that count is the capacity, whatever the compression achieved.
            return Double(unread) > fillRatio * Double(state.high - state.low)
        }
        // Never trimmed: the stored (lz4-compressed) size is unknown; the uncompressed size
        // bounds it from above.
        let bytes = Double(unread) * (messageBytes ?? Self.assumedMessageBytes)
        return bytes > fillRatio * Double(partitionBytes)
    }
}
