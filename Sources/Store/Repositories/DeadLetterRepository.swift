import Foundation
import Postgres

/// The one owner of `dead_letters`: the processor records the messages it skipped
/// (`DeadLetterStore`); the API reads them without the payload, which may hold unscrubbed data.
public struct DeadLetterRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// Records one skipped message (`projectID` nil when it names none or did not decode).
    public func record(topic: String, partition: Int32, offset: Int64, projectID: Int64?, reason: String, payload: [UInt8]) throws {
        try db.query("""
            INSERT INTO dead_letters (topic, partition, kafka_offset, project_id, reason, payload)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, [topic, partition, offset, projectID, reason, PGBytes(payload)])
    }

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

    /// The dead letters of the projects after id `after`, in id order, with their raw bytes
    /// (for erasure, which reads what the API never shows).
    public func page(projectIDs: [Int64], after: Int64, limit: Int) throws -> [(id: Int64, payload: [UInt8])] {
        try db.query("""
            SELECT id, payload FROM dead_letters WHERE project_id = ANY($1::bigint[]) AND id > $2 ORDER BY id LIMIT $3
            """, [PGArray(projectIDs), after, limit]).rows.map { (try $0.int("id"), try $0.bytes("payload")) }
    }

    /// Deletes dead letters by id; returns how many.
    public func delete(ids: [Int64]) throws -> Int64 {
        guard !ids.isEmpty else { return 0 }
        return Int64(try db.query("DELETE FROM dead_letters WHERE id = ANY($1::bigint[]) RETURNING id", [PGArray(ids)]).rows.count)
    }
}
