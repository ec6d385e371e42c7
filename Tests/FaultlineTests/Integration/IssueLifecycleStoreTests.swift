import EventModel
import Foundation
import Postgres
import Store
import Testing
@testable import Processor

/// Resolve and ignore through `IssueTriage`, then new events through `EventWriter`.
@Suite struct IssueLifecycleStoreTests {
    func write(_ db: PGConnection, _ events: [ProcessedEvent]) throws {
        _ = try db.transaction { try EventWriter($0).write(events) }
    }

    func status(_ db: PGConnection, _ issue: Int64) throws -> (String, String) {
        let row = try db.query("SELECT status, substatus FROM issues WHERE id = $1", [issue]).first!
        return (try row.string("status"), try row.string("substatus"))
    }

    func activities(_ db: PGConnection, _ issue: Int64) throws -> [String] {
        try db.query("SELECT type FROM issue_activities WHERE issue_id = $1 ORDER BY id", [issue]).rows.map { try $0.string("type") }
    }

    @Test func resolvedIssuesRegressAsTheirResolutionSays() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let project = try EventWriterTests.project(db)
            try write(db, [try EventWriterTests.event(project: project, type: "Plain", release: "app@1.0.0"),
                           try EventWriterTests.event(project: project, type: "InRelease", release: "app@1.0.0"),
                           try EventWriterTests.event(project: project, type: "NextRelease", release: "app@1.0.0")])
            func issue(_ title: String) throws -> Int64 {
                try db.query("SELECT id FROM issues WHERE title = $1", ["\(title): boom"]).first!.int("id")
            }
            let (plain, inRelease, next) = (try issue("Plain"), try issue("InRelease"), try issue("NextRelease"))
            let triage = IssueTriage(db)
            #expect(try triage.setStatus(.resolved, issueIDs: [plain], projectIDs: [project]) == [plain])
            try triage.setStatus(.resolvedInRelease("app@2.0.0"), issueIDs: [inRelease], projectIDs: [project])
            try triage.setStatus(.resolvedInNextRelease, issueIDs: [next], projectIDs: [project])
            // Another organization's project id does not reach these issues.
            #expect(try triage.setStatus(.unresolved, issueIDs: [plain], projectIDs: [project + 1000]).isEmpty)
            #expect(try db.query("SELECT resolved_in_release FROM issues WHERE id = $1", [next]).first!.optionalString("resolved_in_release") == "app@1.0.0")

            // Old releases do not regress release-bound resolutions; any event regresses a plain one.
            try write(db, [try EventWriterTests.event(project: project, type: "Plain", release: "app@1.0.0"),
                           try EventWriterTests.event(project: project, type: "InRelease", release: "app@1.0.0"),
                           try EventWriterTests.event(project: project, type: "NextRelease", release: "app@1.0.0")])
            #expect(try status(db, plain) == ("unresolved", "regressed"))
            #expect(try status(db, inRelease) == ("resolved", ""))
            #expect(try status(db, next) == ("resolved", ""))
            #expect(try activities(db, plain) == ["set_resolved", "set_regression"])

            try write(db, [try EventWriterTests.event(project: project, type: "InRelease", release: "app@2.0.0"),
                           try EventWriterTests.event(project: project, type: "NextRelease", release: "app@1.1.0")])
            #expect(try status(db, inRelease) == ("unresolved", "regressed"))
            #expect(try status(db, next) == ("unresolved", "regressed"))
            let data = try db.query("SELECT data->>'version' AS v FROM issue_activities WHERE issue_id = $1 AND type = 'set_regression'", [next])
            #expect(try data.first?.optionalString("v") == "app@1.1.0")
            // The releases seen were created, per project with counts.
            #expect(try db.query("SELECT sum(event_count) AS n FROM release_projects").first?.int("n") == 8)
            #expect(try db.query("SELECT count(*) AS n FROM releases").first?.int("n") == 3)
        }
    }

    @Test func ignoredIssuesEscalateWhenTheirConditionIsMet() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let project = try EventWriterTests.project(db)
            try write(db, [try EventWriterTests.event(project: project, type: "Counted"),
                           try EventWriterTests.event(project: project, type: "Users"),
                           try EventWriterTests.event(project: project, type: "Forever")])
            let ids = try Dictionary(uniqueKeysWithValues: db.query("SELECT id, title FROM issues").rows.map {
                (try $0.string("title"), try $0.int("id"))
            })
            let (counted, users, forever) = (ids["Counted: boom"]!, ids["Users: boom"]!, ids["Forever: boom"]!)
            let triage = IssueTriage(db)
            try triage.setStatus(.ignored(.init(count: 3)), issueIDs: [counted], projectIDs: [project])
            try triage.setStatus(.ignored(.init(userCount: 2, userWindowMinutes: 60)), issueIDs: [users], projectIDs: [project])
            try triage.setStatus(.ignored(.init()), issueIDs: [forever], projectIDs: [project])
            #expect(try status(db, forever) == ("ignored", "archived_forever"))
            #expect(try status(db, counted) == ("ignored", "archived_until_condition_met"))

            try write(db, try (0..<2).map { _ in try EventWriterTests.event(project: project, type: "Counted") }
                          + [try EventWriterTests.event(project: project, type: "Users", user: "a")]
                          + (0..<5).map { _ in try EventWriterTests.event(project: project, type: "Forever") })
            #expect(try status(db, counted).0 == "ignored")
            #expect(try status(db, users).0 == "ignored")
            try write(db, [try EventWriterTests.event(project: project, type: "Counted"),
                           try EventWriterTests.event(project: project, type: "Users", user: "b")])
            #expect(try status(db, counted) == ("unresolved", "escalating"))
            #expect(try status(db, users) == ("unresolved", "escalating"))
            #expect(try status(db, forever).0 == "ignored")
            #expect(try activities(db, counted) == ["set_ignored", "set_escalating"])
        }
    }
}
