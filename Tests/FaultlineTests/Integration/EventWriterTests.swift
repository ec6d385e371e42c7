import EventModel
import Foundation
import Kafka
import Postgres
import Store
import Testing
@testable import Processor

@Suite struct EventWriterTests {
    static func event(project: Int64, type: String, id: String = EventID.generate(), user: String? = nil,
                      release: String? = nil, at: Double = Date().timeIntervalSince1970) throws -> ProcessedEvent {
        var json: [String: JSON] = [
            "platform": "python",
            "exception": ["values": [["type": .string(type), "value": "boom",
                                      "stacktrace": ["frames": [["function": "f", "module": "app", "in_app": true]]]]]],
        ]
        if let user { json["user"] = ["id": .string(user)] }
        if let release { json["release"] = .string(release) }
        let message = IngestMessage(metadata: .init(type: "event", eventID: id, projectID: project, keyID: 1, received: at,
                                                    clientIP: nil, sdk: nil, sentAt: nil),
                                    payload: JSON.object(json).encoded())
        return try EventPipeline.process(message)
    }

    static func project(_ db: PGConnection) throws -> Int64 {
        let store = AdminStore(db)
        _ = try store.createOrganization(slug: "acme")
        return try store.createProject(organization: "acme", slug: "web").id
    }

    @Test func groupsCountsAndDeduplicates() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let project = try Self.project(db)
            let retried = EventID.generate()
            var events = try (0..<5).map { i in try Self.event(project: project, type: "ValueError", user: "u\(i % 2)", release: "1.0") }
            events += try (0..<3).map { _ in try Self.event(project: project, type: "KeyError") }
            events.append(try Self.event(project: project, type: "KeyError", id: retried))
            events.append(try Self.event(project: project, type: "KeyError", id: retried))

            let first = try db.transaction { try EventWriter($0).write(events) }
            #expect(first == EventWriter.Result(inserted: 9, duplicates: 1, newIssues: 2))
            // The same batch again (a replay after a crash) adds nothing.
            let replay = try db.transaction { try EventWriter($0).write(events) }
            #expect(replay.inserted == 0)
            #expect(replay.duplicates == 10)

            let issues = try db.query("SELECT title, times_seen, user_count, short_id, last_release FROM issues ORDER BY title").rows
            #expect(try issues.map { try $0.string("title") } == ["KeyError: boom", "ValueError: boom"])
            #expect(try issues.map { try $0.int("times_seen") } == [4, 5])
            #expect(try issues.map { try $0.int("user_count") } == [0, 2])
            #expect(try Set(issues.map { try $0.int("short_id") }) == [1, 2])
            #expect(try issues[1].optionalString("last_release") == "1.0")
            #expect(try db.query("SELECT count(*) AS c FROM events").first?.int("c") == 9)

            // Rollups count each stored event once, replay or not.
            func sum(_ sql: String) throws -> Int64 { try db.query(sql).first?.int("s") ?? -1 }
            #expect(try sum("SELECT sum(count) AS s FROM issue_hourly") == 9)
            #expect(try sum("SELECT sum(count) AS s FROM project_hourly") == 9)
            #expect(try sum("SELECT sum(count) AS s FROM issue_releases WHERE release = '1.0'") == 5)
            #expect(try sum("SELECT sum(count) AS s FROM issue_tag_values WHERE key = 'level' AND value = 'error'") == 9)
            #expect(try sum("SELECT sum(count) AS s FROM issue_tag_values WHERE key = 'release'") == 5)
            #expect(try sum("SELECT sum(events) AS s FROM daily_events_by_project") == 9)
            #expect(try sum("SELECT sum(new_issues) AS s FROM new_issues_per_release") == 1)
            #expect(try db.query("SELECT users FROM top_issues_by_users LIMIT 1").first?.int("users") == 2)
        }
    }

    @Test func offsetsAreFencedAgainstStaleMembers() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let partition = TopicPartition(topic: "ingest-events", partition: 0)
            let store = OffsetStore(db, group: "g", clusterID: "c1")
            #expect(try store.advance([partition: OffsetSpan(first: 0, next: 10)]).isEmpty)
            #expect(try store.positions([partition]) == [partition: 10])
            // A member that still thinks it starts at 5 is behind: fenced.
            #expect(try store.advance([partition: OffsetSpan(first: 5, next: 12)]) == [partition])
            #expect(try store.advance([partition: OffsetSpan(first: 10, next: 20)]).isEmpty)
            // A member whose position ran ahead would skip 20..<25, which nobody wrote: fenced.
            #expect(try store.advance([partition: OffsetSpan(first: 25, next: 30)]) == [partition])
            #expect(try store.positions([partition]) == [partition: 20])
            // Another cluster (a restarted in-memory broker) starts over.
            let restarted = OffsetStore(db, group: "g", clusterID: "c2")
            #expect(try restarted.positions([partition]).isEmpty)
            #expect(try restarted.advance([partition: OffsetSpan(first: 0, next: 3)]).isEmpty)
            #expect(try restarted.positions([partition]) == [partition: 3])
        }
    }

    @Test func anEventJoinsTheIssueOfAnyOfItsHashes() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let project = try Self.project(db)
            func event(_ hashes: [String]) throws -> ProcessedEvent {
                var event = try Self.event(project: project, type: "ValueError")
                event.grouping.hashes = hashes
                return event
            }
            _ = try db.transaction { try EventWriter($0).write([try event(["app-1", "system-1"])]) }
            // A new app hash with a known system hash joins that issue, and its app hash now points there too.
            _ = try db.transaction { try EventWriter($0).write([try event(["app-2", "system-1"]), try event(["app-3", "app-3"])]) }
            _ = try db.transaction { try EventWriter($0).write([try event(["app-2", "system-9"])]) }
            let issues = try db.query("SELECT times_seen FROM issues ORDER BY times_seen").rows.map { try $0.int("times_seen") }
            #expect(issues == [1, 3])
            let hashes = try db.query("SELECT count(DISTINCT issue_id) AS n FROM issue_hashes WHERE hash IN ('app-1', 'app-2', 'system-1', 'system-9')")
            #expect(try hashes.first?.int("n") == 1)
            #expect(try db.query("SELECT count(*) AS n FROM issue_hashes").first?.int("n") == 5)
        }
    }
}
