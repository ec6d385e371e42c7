import Alerting
import EventModel
import Foundation
import Postgres
import Store
import Testing
@testable import Processor

/// Issue alert rules evaluated in the batch's transaction against real PostgreSQL: each
/// qualifying change writes its notifications to the outbox once, whatever is replayed.
@Suite struct AlertFiringTests {
    static let webhooks: JSON = ["id": .string(RuleIDs.notifyService), "service": "webhooks"]

    static func rule(_ db: PGConnection, project: Int64, _ body: JSON) throws -> Int64 {
        let rule = try RuleCodec.decode(body)
        return try AlertRuleRepository(db).create(projectID: project, name: rule.name, definition: RuleCodec.encode(rule), createdBy: nil).id
    }

    static func outbox(_ db: PGConnection) throws -> [(rule: Int64, channel: String, reason: String)] {
        try db.query("SELECT rule_id, channel, subject->>'reason' AS reason FROM alert_outbox ORDER BY id").rows.map {
            (try $0.int("rule_id"), try $0.string("channel"), try $0.string("reason"))
        }
    }

    @Test func newIssueFiresOnceNotForMoreEventsNorReplays() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let project = try EventWriterTests.project(db)
            try IntegrationRepository(db).setPlugin(projectID: project, name: "webhooks", enabled: true,
                                                    config: ["urls": ["http://127.0.0.1:7701/a", "http://127.0.0.1:7701/b"]])
            let newIssue = try Self.rule(db, project: project, [
                "name": "new", "conditions": [["id": .string(RuleIDs.firstSeen)]],
                "actions": [Self.webhooks, ["id": .string(RuleIDs.chat), "url": "http://127.0.0.1:7701/chat", "format": "slack"]]])

            let first = [try EventWriterTests.event(project: project, type: "ValueError")]
            _ = try db.transaction { try EventWriter($0).write(first) }
            #expect(try Self.outbox(db).map(\.channel) == ["webhooks", "webhooks", "chat"])
            #expect(try Self.outbox(db).allSatisfy { $0.rule == newIssue && $0.reason == "created" })
            // Each destination has its own idempotency key.
            #expect(try db.query("SELECT count(DISTINCT idempotency_key) AS n FROM alert_outbox").first?.int("n") == 3)

            // The batch read again (a crash after commit, a fenced member) and 100 more events: nothing.
            _ = try db.transaction { try EventWriter($0).write(first) }
            let more = try (0..<100).map { _ in try EventWriterTests.event(project: project, type: "ValueError") }
            _ = try db.transaction { try EventWriter($0).write(more) }
            #expect(try Self.outbox(db).count == 3)

            // A batch that rolls back fired nothing; the same batch committed later fires once.
            let other = [try EventWriterTests.event(project: project, type: "KeyError")]
            struct Crash: Error {}
            #expect(throws: Crash.self) { try db.transaction { tx in _ = try EventWriter(tx).write(other); throw Crash() } }
            #expect(try Self.outbox(db).count == 3)
            _ = try db.transaction { try EventWriter($0).write(other) }
            #expect(try Self.outbox(db).count == 6)
        }
    }

    @Test func regressionAndEscalationFire() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let project = try EventWriterTests.project(db)
            try IntegrationRepository(db).setPlugin(projectID: project, name: "webhooks", enabled: true, config: ["urls": ["http://127.0.0.1:7701/"]])
            _ = try Self.rule(db, project: project, [
                "name": "back", "actionMatch": "any", "frequency": 5,
                "conditions": [["id": .string(RuleIDs.regression)], ["id": .string(RuleIDs.reappeared)]], "actions": [Self.webhooks]])
            _ = try db.transaction { try EventWriter($0).write([try EventWriterTests.event(project: project, type: "ValueError")]) }
            #expect(try Self.outbox(db).isEmpty)
            let issue = try #require(try db.query("SELECT id FROM issues").first?.int("id"))
            _ = try IssueRepository(db).resolve(ids: [issue], projectIDs: [project], resolution: nil, release: nil)
            _ = try db.transaction { try EventWriter($0).write([try EventWriterTests.event(project: project, type: "ValueError")]) }
            #expect(try Self.outbox(db).map(\.reason) == ["regressed"])
        }
    }

    @Test func frequencyRuleFiresOncePerIntervalAndMutesHold() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let project = try EventWriterTests.project(db)
            try IntegrationRepository(db).setPlugin(projectID: project, name: "webhooks", enabled: true, config: ["urls": ["http://127.0.0.1:7701/"]])
            let busy = try Self.rule(db, project: project, [
                "name": "busy", "frequency": 60,
                "conditions": [["id": .string(RuleIDs.eventFrequency), "value": 5, "interval": "1h"]],
                "filters": [["id": .string(RuleIDs.levelFilter), "match": "gte", "level": "40"]], "actions": [Self.webhooks]])
            func send(_ count: Int) throws {
                let events = try (0..<count).map { _ in try EventWriterTests.event(project: project, type: "ValueError") }
                _ = try db.transaction { try EventWriter($0).write(events) }
            }
            try send(5)
            #expect(try Self.outbox(db).isEmpty)  // five is not more than five
            try send(1)
            #expect(try Self.outbox(db).map(\.rule) == [busy])
            try send(10)
            #expect(try Self.outbox(db).count == 1)  // once per 60 minutes
            // The interval passed (moved back as if an hour went by): fires again.
            try db.query("UPDATE alert_rule_issues SET last_fired_at = last_fired_at - interval '61 minutes'")
            try send(1)
            #expect(try Self.outbox(db).count == 2)

            // Muted for the issue, then for everyone: nothing, even past the interval.
            let issue = try #require(try db.query("SELECT id FROM issues").first?.int("id"))
            try AlertRuleRepository(db).mute(projectID: project, ruleID: busy, issueID: issue, until: .distantFuture)
            try db.query("UPDATE alert_rule_issues SET last_fired_at = last_fired_at - interval '61 minutes'")
            try send(1)
            #expect(try Self.outbox(db).count == 2)
            try AlertRuleRepository(db).mute(projectID: project, ruleID: busy, issueID: issue, until: nil)
            _ = try AlertRuleRepository(db).snooze(projectID: project, id: busy, until: .distantFuture)
            try send(1)
            #expect(try Self.outbox(db).count == 2)
            _ = try AlertRuleRepository(db).snooze(projectID: project, id: busy, until: nil)
            try send(1)
            #expect(try Self.outbox(db).count == 3)
        }
    }
}
