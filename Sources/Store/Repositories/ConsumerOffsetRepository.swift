import Postgres

/// Reads `consumer_offsets` for others than the processors that write it (`OffsetStore`): the
/// relay's spool releases records once the processors' committed offsets passed them.
public struct ConsumerOffsetRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

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
