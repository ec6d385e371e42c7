import Postgres

/// The one owner of `consumer_offsets`: the processor's authoritative next offset per consumer
/// group, topic and partition, with the Kafka cluster it belongs to. `Processor/OffsetStore`
/// decides what to fence; the statements are here. The relay reads it too (`committed`): its
/// spool releases records once the processors' committed offsets passed them.
public struct ConsumerOffsetRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// The stored next offsets of the group's partitions (topic and partition at the same
    /// index) recorded against `clusterID`; the others are left out.
    public func positions(group: String, clusterID: String, topics: [String], partitions: [Int32])
        throws -> [(topic: String, partition: Int64, nextOffset: Int64)] {
        try db.query("""
            SELECT o.topic, o.partition, o.next_offset FROM consumer_offsets o
            JOIN unnest($2::text[], $3::int[]) AS p(topic, partition) USING (topic, partition)
            WHERE o.group_id = $1 AND o.cluster_id = $4
            """, [group, PGArray(topics), PGArray(partitions), clusterID]).rows.map { row in
            (try row.string("topic"), try row.int("partition"), try row.int("next_offset"))
        }
    }

    /// Sets the partition's next offset to `next` if it is stored at `first` (or was recorded
    /// against another cluster, or never); returns false when that fence refused it.
    public func advance(group: String, clusterID: String, topic: String, partition: Int32, first: Int64, next: Int64) throws -> Bool {
        !(try db.query("""
            INSERT INTO consumer_offsets AS o (group_id, topic, partition, cluster_id, next_offset, updated_at)
            VALUES ($1, $2, $3, $4, $6, now())
            ON CONFLICT (group_id, topic, partition) DO UPDATE
                SET next_offset = EXCLUDED.next_offset, cluster_id = EXCLUDED.cluster_id, updated_at = now()
                WHERE o.cluster_id <> EXCLUDED.cluster_id OR o.next_offset = $5
            RETURNING next_offset
            """, [group, topic, partition, clusterID, first, next]).isEmpty)
    }

    public struct Position: Sendable, Equatable {
        public let topic: String
        public let partition: Int32
        public let nextOffset: Int64
    }

    /// The group's next offset per partition, counted against `clusterID` only (a restarted
    /// in-memory broker starts its offsets at 0 again). Partition numbers outside Int32 cannot
    /// be ours and are left out.
    public func committed(group: String, clusterID: String) throws -> [Position] {
        try db.query("""
            SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1 AND cluster_id = $2
            """, [group, clusterID]).rows.compactMap { row in
            guard let partition = Int32(exactly: try row.int("partition")) else { return nil }
            return Position(topic: try row.string("topic"), partition: partition, nextOffset: try row.int("next_offset"))
        }
    }
}
