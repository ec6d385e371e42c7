import Kafka
import Postgres

/// The processor's authoritative offsets in `consumer_offsets`. Advancing is fenced: a span is
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
        let rows = try db.query("""
            SELECT o.topic, o.partition, o.next_offset FROM consumer_offsets o
            JOIN unnest($2::text[], $3::int[]) AS p(topic, partition) USING (topic, partition)
            WHERE o.group_id = $1 AND o.cluster_id = $4
            """, [group, PGArray(partitions.map(\.topic)), PGArray(partitions.map(\.partition)), clusterID])
        var result: [TopicPartition: Int64] = [:]
        for row in rows.rows {
            result[TopicPartition(topic: try row.string("topic"), partition: Int32(try row.int("partition")))] = try row.int("next_offset")
        }
        return result
    }

    /// Advances each partition to its span's end; returns the partitions whose fence failed.
    /// Runs inside the batch's transaction; the row locks it takes serialize competing members.
    public func advance(_ spans: [TopicPartition: OffsetSpan]) throws -> [TopicPartition] {
        var fenced: [TopicPartition] = []
        for (partition, span) in spans.sorted(by: { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }) {
            let rows = try db.query("""
                INSERT INTO consumer_offsets AS o (group_id, topic, partition, cluster_id, next_offset, updated_at)
                VALUES ($1, $2, $3, $4, $6, now())
                ON CONFLICT (group_id, topic, partition) DO UPDATE
                    SET next_offset = EXCLUDED.next_offset, cluster_id = EXCLUDED.cluster_id, updated_at = now()
                    WHERE o.cluster_id <> EXCLUDED.cluster_id OR o.next_offset = $5
                RETURNING next_offset
                """, [group, partition.topic, partition.partition, clusterID, span.first, span.next])
            if rows.isEmpty { fenced.append(partition) }
        }
        return fenced
    }
}
