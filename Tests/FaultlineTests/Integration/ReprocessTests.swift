import EventModel
import Foundation
import Grouping
import Postgres
import Store
import Testing
@testable import Processor

@Suite struct ReprocessTests {
    /// A stand-in for changed grouping rules: every event of the project into one issue.
    static func oneIssue(_ event: SentryEvent) -> GroupingResult {
        GroupingResult(hashes: ["0123456789abcdef0123456789abcdef"], title: "Everything", culprit: "", type: "error")
    }

    @Test func regroupsStoredEventsWhileIngestionContinues() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let project = try EventWriterTests.project(db)
            var initial = try (0..<30).map { i in
                try EventWriterTests.event(project: project, type: "ValueError", user: "u\(i % 3)", release: "1.0")
            }
            initial += try (0..<20).map { i in try EventWriterTests.event(project: project, type: "KeyError", user: "v\(i % 4)") }
            _ = try db.transaction { try EventWriter($0).write(initial) }
            #expect(try db.query("SELECT count(*) AS n FROM issues").first?.int("n") == 2)

            // Ingestion goes on (already grouped by the new rules) while the reprocess runs in small chunks.
            let ingest = try database.connect()
            let writer = Task.detached {
                for _ in 0..<10 {
                    let batch = try (0..<5).map { i -> ProcessedEvent in
                        var event = try EventWriterTests.event(project: project, type: "KeyError", user: "w\(i)", release: "2.0")
                        event.grouping = Self.oneIssue(SentryEvent(json: [:]))
                        return event
                    }
                    _ = try ingest.transaction { try EventWriter($0).write(batch) }
                }
            }
            var reports = 0
            let progress = try Reprocessor(db, projectID: project, chunkSize: 7, group: Self.oneIssue).run { _ in reports += 1 }
            try await writer.value

            #expect(progress.done >= 50)
            #expect(progress.moved == 50)
            #expect(reports >= 8)
            #expect(progress.issuesDeleted == 2)
            let issues = try db.query("SELECT id, title, times_seen, user_count FROM issues").rows
            #expect(issues.count == 1)
            let issue = try issues[0].int("id")
            #expect(try issues[0].int("times_seen") == 100)
            #expect(try issues[0].int("user_count") == 3 + 4 + 5)
            func sum(_ sql: String) throws -> Int64 { try db.query(sql, [issue]).first?.int("s") ?? -1 }
            #expect(try sum("SELECT count(*) AS s FROM events WHERE issue_id = $1") == 100)
            #expect(try sum("SELECT sum(count) AS s FROM issue_hourly WHERE issue_id = $1") == 100)
            #expect(try sum("SELECT sum(count) AS s FROM issue_tag_values WHERE issue_id = $1 AND key = 'level'") == 100)
            #expect(try sum("SELECT sum(count) AS s FROM issue_releases WHERE issue_id = $1 AND release = '1.0'") == 30)
            #expect(try sum("SELECT count(*) AS s FROM issue_users WHERE issue_id = $1") == 12)
            #expect(try db.query("SELECT count(*) AS n FROM issue_hourly WHERE issue_id <> $1", [issue]).first?.int("n") == 0)
            // Every stored event of before the run now carries the new grouping in its payload.
            let titles = try db.query("SELECT payload->>'title' AS t, count(*) AS n FROM events WHERE release IS DISTINCT FROM '2.0' GROUP BY 1")
            #expect(try titles.rows.map { "\(try $0.string("t")) \(try $0.int("n"))" } == ["Everything 50"])
        }
    }

    @Test func storedFingerprintRulesRegroupOnReprocess() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let project = try EventWriterTests.project(db)
            let events = try ["DatabaseUnavailable", "ConnectionRefused", "ValueError"].flatMap { type in
                try (0..<3).map { _ in try EventWriterTests.event(project: project, type: type) }
            }
            _ = try db.transaction { try EventWriter($0).write(events) }
            #expect(try db.query("SELECT count(*) AS n FROM issues").first?.int("n") == 3)

            let store = ProjectSettingsStore(db)
            #expect(throws: (any Error).self) {
                _ = try ProjectGrouping.config(ProjectProcessingSettings(scrubbing: .default, fingerprintRules: "error.type:", stackTraceRules: ""))
            }
            try store.setGroupingRules(organization: "acme", project: "web", fingerprintRules: """
                # database trouble is one issue
                error.type:DatabaseUnavailable -> system-down
                error.type:ConnectionRefused -> system-down
                """, stackTraceRules: nil)
            let settings = try #require(try store.settings(projectIDs: [project])[project])
            #expect(settings.groupingRulesUpdatedAt != nil)
            let config = try ProjectGrouping.config(ProjectProcessingSettings(settings))
            let progress = try Reprocessor(db, projectID: project) { Grouper.group($0, config: config) }.run { _ in }
            #expect(progress.done == 9)
            #expect(progress.moved == 6)
            let counts = try db.query("SELECT times_seen FROM issues ORDER BY times_seen").rows.map { try $0.int("times_seen") }
            #expect(counts == [3, 6])
        }
    }
}
