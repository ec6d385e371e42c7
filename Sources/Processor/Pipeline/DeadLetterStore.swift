import Postgres

/// Records messages the processor skipped, with the reason.
public struct DeadLetterStore {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public func record(_ letters: [DeadLetter]) throws {
        for letter in letters {
            try db.query("""
                INSERT INTO dead_letters (topic, partition, kafka_offset, project_id, reason, payload)
                VALUES ($1, $2, $3, $4, $5, $6)
                """, [letter.topic, letter.partition, letter.offset, letter.projectID, letter.reason, PGBytes(letter.payload)])
        }
    }
}
