import Foundation
import Postgres

/// Reads `dead_letters` for the API (the processor's `DeadLetterStore` writes them). The payload
/// stays out: it may hold unscrubbed data.
public struct DeadLetterRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public struct DeadLetter: Sendable {
        public let id: Int64
        public let topic: String
        public let partition: Int64
        public let offset: Int64
        public let reason: String
        /// The payload's size in bytes.
        public let size: Int64
        public let createdAt: Date
    }

    /// The project's newest dead letters, newest first.
    public func recent(projectID: Int64, limit: Int) throws -> [DeadLetter] {
        try db.query("""
            SELECT id, topic, partition, kafka_offset, reason, octet_length(payload) AS size, created_at
            FROM dead_letters WHERE project_id = $1 ORDER BY id DESC LIMIT $2
            """, [projectID, limit]).rows.map { row in
            DeadLetter(id: try row.int("id"), topic: try row.string("topic"), partition: try row.int("partition"),
                       offset: try row.int("kafka_offset"), reason: try row.string("reason"), size: try row.int("size"),
                       createdAt: try row.date("created_at"))
        }
    }
}
