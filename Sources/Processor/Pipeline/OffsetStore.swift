import Kafka
import Postgres
import Store

/// The processor's authoritative offsets in `consumer_offsets` (through
/// `ConsumerOffsetRepository`). Advancing is fenced: a span is
/// accepted only if it starts exactly at the stored position. A member that lost its partition
/// in a rebalance cannot commit over its successor's work (its span starts before), and a member
/// whose position ran ahead cannot skip messages nobody wrote (its span starts after).
public struct OffsetStore {
    let db: PGConnection
    let group: String
    let clusterID: String

    public init(_ db: PGConnection, group: String, clusterID: String) {
        self.db = db
        self.group = group
        self.clusterID = clusterID
    }

    /// Where each partition resumes. Partitions never committed, or committed against another
    /// cluster (a restarted in-memory broker), are left out: they start at the earliest offset.
    public func positions(_ partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        guard !partitions.isEmpty else { return [:] }
        let rows = try ConsumerOffsetRepository(db).positions(
            group: group, clusterID: clusterID, topics: partitions.map(\.topic), partitions: partitions.map(\.partition))
        var result: [TopicPartition: Int64] = [:]
        // A stored row is outside input too: a partition number that is no Int32 is not ours.
        for row in rows {
            guard let partition = Int32(exactly: row.partition) else { continue }
            result[TopicPartition(topic: row.topic, partition: partition)] = row.nextOffset
        }
        return result
    }

    /// Advances each partition to its span's end; returns the partitions whose fence failed.
    /// Runs inside the batch's transaction; the row locks it takes serialize competing members.
    public func advance(_ spans: [TopicPartition: OffsetSpan]) throws -> [TopicPartition] {
        var fenced: [TopicPartition] = []
        for (partition, span) in spans.sorted(by: { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }) {
            let advanced = try ConsumerOffsetRepository(db).advance(
                group: group, clusterID: clusterID, topic: partition.topic, partition: partition.partition,
                first: span.first, next: span.next)
            if !advanced { fenced.append(partition) }
        }
        return fenced
    }
}
