/// A topic to create: name, partition count, replication factor.
public struct TopicSpec: Sendable, Equatable {
    public let name: String
    public let partitions: Int32
    public let replicationFactor: Int32

    public init(name: String, partitions: Int32, replicationFactor: Int32 = 1) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
    }
}
