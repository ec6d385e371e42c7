import Postgres
import Store

/// Records messages the processor skipped, with the reason (`DeadLetterRepository` owns the table).
public struct DeadLetterStore {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public func record(_ letters: [DeadLetter]) throws {
        let repository = DeadLetterRepository(db)
        for letter in letters {
            try repository.record(topic: letter.topic, partition: letter.partition, offset: letter.offset,
                                  projectID: letter.projectID, reason: letter.reason, payload: letter.payload)
        }
    }
}
