import EventModel
import Foundation
import Postgres
import Store
import Testing
@testable import Processor

@Suite struct RetentionTests {
    @Test func eventsLiveInDayPartitionsThatRetentionDrops() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let project = try EventWriterTests.project(db)
            let day: TimeInterval = 86_400
            let now = Date()
            // Old events are clamped to the received time, so "old" here means received long ago.
            let ages: [TimeInterval] = [0, 1, 2, 5, 10].map { $0 * day }
            let events = try ages.map { age in
                try EventWriterTests.event(project: project, type: age > 3 * day ? "Old" : "Recent", at: now.timeIntervalSince1970 - age)
            }
            var partitions = EventPartitions()
            try partitions.ensure(events.map(\.timestamp), db)
            _ = try db.transaction { try EventWriter($0).write(events) }
            let placed = try db.query("SELECT tableoid::regclass::text AS p FROM events ORDER BY timestamp").rows.map { try $0.string("p") }
            #expect(placed.count == 5)
            #expect(placed.allSatisfy { $0.hasPrefix("events_2") })
            #expect(Set(placed).count == 5)
            // A replay of the same events, even into another partition's day, is still one row each.
            _ = try db.transaction { try EventWriter($0).write(events) }
            #expect(try db.query("SELECT count(*) AS n FROM events").first?.int("n") == 5)

            let report = try Retention(db).apply(keepDays: 3, now: now)
            #expect(report.droppedPartitions.count == 2)
            #expect(report.deletedIssues == 1)
            #expect(try db.query("SELECT count(*) AS n FROM events").first?.int("n") == 3)
            #expect(try db.query("SELECT count(*) AS n FROM event_ids").first?.int("n") == 3)
            #expect(try db.query("SELECT title FROM issues").rows.map { try $0.string("title") } == ["Recent: boom"])
            #expect(try db.query("SELECT count(*) AS n FROM issue_hourly WHERE hour < $1", [report.cutoff]).first?.int("n") == 0)
            // Running it again finds nothing more to drop.
            #expect(try Retention(db).apply(keepDays: 3, now: now).droppedPartitions.isEmpty)
        }
    }
}
