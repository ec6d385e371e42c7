import Foundation
import Postgres
import Store

/// Creates the day partitions of `events` that a batch needs, before its transaction (DDL there
/// would hold the parent table's lock until commit). Remembers the days done.
struct EventPartitions {
    private(set) var known = Set<Int64>()

    static func day(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 86_400).rounded(.down)) }

    mutating func ensure(_ dates: [Date], _ db: PGConnection) throws {
        let missing = Set(dates.map(Self.day)).subtracting(known)
        for day in missing.sorted() {
            try EventRepository(db).ensurePartition(day: day)
            known.insert(day)
        }
    }
}
