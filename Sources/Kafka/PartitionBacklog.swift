/// Where one partition's log starts and ends, and how far a consumer group has committed.
public struct PartitionBacklog: Sendable, Equatable {
    public let partition: TopicPartition
    /// The log's first offset still held (the low watermark).
    public let low: Int64
    /// The offset the next message will get (the high watermark).
    public let high: Int64
    /// The group's committed position, or nil when it has committed none.
    public let committed: Int64?

    public init(partition: TopicPartition, low: Int64, high: Int64, committed: Int64?) {
        self.partition = partition
        self.low = low
        self.high = high
        self.committed = committed
    }

    /// Messages the group has yet to read; a position before the log start counts from it.
    public var unread: Int64 { high - max(committed ?? low, low) }
}
