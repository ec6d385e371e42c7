import EventModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Store
import Testing

/// Erasure of one end user (docs/PEOPLE.md, "Erasure") through the real pipeline: events from
/// the real sentry-sdk for two users, one erased through the API (and, concurrently with
/// ingestion, through `faultline admin erase-user`); then no table holds anything of theirs and
/// every counter equals a recount of the rows left.
@Suite(.serialized) struct ErasureTests {
    static let alice = ErasureUser(id: "alice-1", email: "alice@example.com", username: "alice_w", ip: "10.1.2.3")
    static let bob = ErasureUser(id: "bob-2", email: "bob@example.com", username: "bob_w", ip: "10.9.8.7")

    @Test func erasingOneUserLeavesNothingOfTheirsAndEveryCountEqualsARecount() async throws {
        let python = try TestEnvironment.python
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            try await stack.app.test(.live) { client in
                let db = try database.connect()
                defer { db.close() }
                let dsn = stack.dsn(port: try #require(client.port))
                let sent = try await Self.send(python, dsn: dsn, users: [Self.alice, Self.bob], events: 12)
                #expect(sent[0] == 12 && sent[1] == 12)
                // A message the processor could not read, about Alice (the relay refuses an event
                // that is not JSON, so it is recorded as the processor records one): a dead letter.
                try DeadLetterRepository(db).record(
                    topic: "ingest-events", partition: 0, offset: 999, projectID: stack.projectID, reason: "test",
                    payload: Array("{\"v\":1}\n{\"user\":{\"email\":\"\(Self.alice.email)\"} not json".utf8))
                try await Self.waitUntilProcessed(db, messages: 24)
                #expect(try Self.events(db, of: Self.alice) == 12)
                #expect(try Self.tablesMentioning(Self.alice, db)["dead_letters"] == 1)
                #expect(try Self.countMismatches(db) == [:], "the counters equal a recount before any erasure")
                let issuesBefore = try db.query("SELECT count(*) AS n FROM issues").first!.int("n")

                // A dry run counts and changes nothing.
                let dry = try await Self.erase(client, stack, ["email": .string("ALICE@Example.com"), "dryRun": .bool(true)])
                #expect(dry.status == .ok)
                #expect(dry.body["events"]?.int == 12 && dry.body["deadLetters"]?.int == 1 && dry.body["id"] == .null)
                #expect(try Self.events(db, of: Self.alice) == 12)

                let erased = try await Self.erase(client, stack, ["email": .string("ALICE@Example.com")])
                #expect(erased.status == .created)
                #expect(erased.body["events"]?.int == 12 && erased.body["deadLetters"]?.int == 1)
                // Her third exception kind was hers alone: that issue is gone; the two shared ones stay.
                #expect(erased.body["issuesDeleted"]?.int == 1)
                #expect(try db.query("SELECT count(*) AS n FROM issues").first!.int("n") == issuesBefore - 1)
                try Self.expectNothingLeft(of: Self.alice, db)
                #expect(try Self.countMismatches(db) == [:])
                #expect(try Self.events(db, of: Self.bob) == 12)
                #expect(try db.query("SELECT count(*) AS n FROM issues WHERE user_count <> 1").first!.int("n") == 0)

                // Audited, without the identifier.
                let audit = try await client.execute(uri: "/api/0/organizations/acme/audit-logs/?event=user.erase", method: .get,
                                                     headers: [.authorization: "Bearer \(stack.token)"])
                let auditText = String(buffer: audit.body)
                let rows = try JSON.parse(Array(auditText.utf8))["rows"]?.array ?? []
                #expect(rows.count == 1)
                #expect(rows.first?["data"]?["identifierHash"]?.string == ErasureTarget(kind: .email, value: Self.alice.email)!.hash)
                #expect(!auditText.lowercased().contains("alice"))

                // Her events still on their way are dropped: the tombstone.
                let later = try await Self.send(python, dsn: dsn, users: [Self.alice, Self.bob], events: 3)
                try await Self.waitUntilProcessed(db, messages: 24 + later.values.reduce(0, +))
                #expect(try Self.events(db, of: Self.alice) == 0)
                #expect(try Self.events(db, of: Self.bob) == 15)
                try Self.expectNothingLeft(of: Self.alice, db)
                #expect(try Self.countMismatches(db) == [:])

                // A request names exactly one identifier; a member's token may not erase.
                let both = try await Self.erase(client, stack, ["email": .string("a@b.c"), "id": .string("1")])
                #expect(both.status == .badRequest)
                let (weak, _) = try AdminStore(db).createToken(organization: "acme", label: "weak", scopes: ["org:write", "event:admin"])
                let refused = try await client.execute(uri: "/api/0/organizations/acme/user-erasures/", method: .post,
                                                       headers: [.authorization: "Bearer \(weak)"],
                                                       body: ByteBuffer(string: #"{"id": "bob-2"}"#))
                #expect(refused.status == .forbidden)
                #expect(try Self.events(db, of: Self.bob) == 15)
            }
            await stack.shutdown()
        }
    }

    /// The erasure runs while the SDK sends both users' events; the processor's batches and the
    /// erasure's pages interleave. Nothing of Alice's is left once everything sent was processed.
    @Test func anErasureDuringIngestionLeavesNothingOfTheUser() async throws {
        let python = try TestEnvironment.python
        let executable = try TestEnvironment.executable
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            try await stack.app.test(.live) { client in
                let db = try database.connect()
                defer { db.close() }
                let dsn = stack.dsn(port: try #require(client.port))
                async let sending = Self.send(python, dsn: dsn, users: [Self.alice, Self.bob], events: 60, pause: 0.01)
                // Start once some of hers are stored, so the erasure meets stored and arriving events.
                let deadline = Date().addingTimeInterval(60)
                while try Self.events(db, of: Self.alice) < 10 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
                let run = try await ChildProcess.run(executable, ["admin", "erase-user", "acme", "--ip", Self.alice.ip],
                                                     environment: ["FAULTLINE_DATABASE_URL": database.url])
                #expect(run.status == 0, "\(run.stderr)")
                #expect(run.stdout.hasPrefix("erased "), "\(run.stdout)")
                let sent = try await sending
                #expect(sent[0] == 60 && sent[1] == 60)
                try await Self.waitUntilProcessed(db, messages: 120)
                #expect(try Self.events(db, of: Self.alice) == 0)
                #expect(try Self.events(db, of: Self.bob) == 60)
                try Self.expectNothingLeft(of: Self.alice, db)
                #expect(try Self.countMismatches(db) == [:])
                // Run again: nothing left to erase, and it says so (idempotent).
                let again = try await ChildProcess.run(executable, ["admin", "erase-user", "acme", "--ip", Self.alice.ip],
                                                       environment: ["FAULTLINE_DATABASE_URL": database.url])
                #expect(again.status == 0 && again.stdout.hasPrefix("erased 0 events"), "\(again.stdout) \(again.stderr)")
            }
            await stack.shutdown()
        }
    }

    /// An erasure stopped part way (its page budget spent, as a killed process would stop)
    /// leaves exact counters, and running the request again finishes it from where it stopped.
    @Test func anInterruptedErasureIsFinishedByARerun() async throws {
        let python = try TestEnvironment.python
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            try await stack.app.test(.live) { client in
                let db = try database.connect()
                defer { db.close() }
                let dsn = stack.dsn(port: try #require(client.port))
                _ = try await Self.send(python, dsn: dsn, users: [Self.alice, Self.bob], events: 10)
                try await Self.waitUntilProcessed(db, messages: 20)
            }
            await stack.shutdown()
            let db = try database.connect()
            defer { db.close() }
            let organization = try #require(try AdminStore(db).organization(slug: "acme"))
            let target = ErasureTarget(kind: .id, value: Self.alice.id)!
            let partial = try UserErasure(db, pageSize: 4).run(organizationID: organization.id, target: target,
                                                               actor: .commandLine, dryRun: false, pageBudget: 2)
            #expect(!partial.finished)
            let left = try Self.events(db, of: Self.alice)
            #expect(left > 0 && left < 10 && partial.events == 10 - left)
            #expect(try Self.countMismatches(db) == [:], "exact after every page")
            let rest = try UserErasure(db, pageSize: 4).run(organizationID: organization.id, target: target,
                                                            actor: .commandLine, dryRun: false)
            #expect(rest.finished && rest.erasureID == partial.erasureID)
            #expect(rest.events == left, "the rerun starts where the first run stopped")
            let erasureID = try #require(rest.erasureID)
            let row = try #require(try db.query("""
                SELECT events_deleted, finished_at IS NOT NULL AS done FROM user_erasures WHERE id = $1
                """, [erasureID]).first)
            #expect(try row.int("events_deleted") == 10)
            #expect(try row.bool("done"))
            #expect(try Self.events(db, of: Self.alice) == 0)
            #expect(try Self.events(db, of: Self.bob) == 10)
            try Self.expectNothingLeft(of: Self.alice, db)
            #expect(try Self.countMismatches(db) == [:])
            let audits = try AuditLogRepository(db).entries(organizationID: organization.id, event: "user.erase")
            #expect(audits.count == 2, "each run is audited")
        }
    }
}

struct ErasureUser: Sendable {
    let id: String
    let email: String
    let username: String
    let ip: String

    var argument: String { "\(id),\(email),\(username),\(ip)" }
}

extension ErasureTests {
    /// Runs Tests/compat/erasure_users.py; returns how many events each user (by index) sent.
    static func send(_ python: String, dsn: String, users: [ErasureUser], events: Int, pause: Double = 0) async throws -> [Int: Int] {
        var arguments = [TestEnvironment.compatScript("erasure_users.py"), "--events", String(events), "--pause", String(pause)]
        for user in users { arguments += ["--user", user.argument] }
        let sdk = try await ChildProcess.run(python, arguments, environment: ["FAULTLINE_DSN": dsn])
        #expect(sdk.status == 0, "sentry-sdk failed: \(sdk.stderr)")
        var counts: [Int: Int] = [:]
        for line in sdk.stdout.split(separator: "\n") {
            if let index = line.split(separator: " ").first.flatMap({ Int($0) }) { counts[index, default: 0] += 1 }
        }
        return counts
    }

    /// Until the processors' stored offsets of `ingest-events` add up to `messages` (the
    /// embedded broker's partitions start at 0): every message sent was written or dropped.
    static func waitUntilProcessed(_ db: PGConnection, messages: Int) async throws {
        let deadline = Date().addingTimeInterval(120)
        var consumed: Int64 = 0
        while Date() < deadline {
            consumed = try db.query("SELECT coalesce(sum(next_offset), 0)::bigint AS n FROM consumer_offsets WHERE topic = 'ingest-events'")
                .first!.int("n")
            if consumed >= Int64(messages) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("only \(consumed) of \(messages) messages processed")
    }

    static func expectNothingLeft(of user: ErasureUser, _ db: PGConnection) throws {
        let found = try tablesMentioning(user, db)
        #expect(found == [:], "rows still holding the user's identifiers: \(found)")
    }

    static func events(_ db: PGConnection, of user: ErasureUser) throws -> Int64 {
        try db.query("SELECT count(*) AS n FROM events WHERE user_key = $1", ["id:\(user.id)"]).first!.int("n")
    }

    static func erase(_ client: some TestClientProtocol, _ stack: InProcessStack, _ body: [String: JSON]) async throws
        -> (status: HTTPResponse.Status, body: JSON) {
        let response = try await client.execute(uri: "/api/0/organizations/acme/user-erasures/", method: .post,
                                                headers: [.authorization: "Bearer \(stack.token)"],
                                                body: ByteBuffer(string: JSON.object(body).encodedString()))
        return (response.status, (try? JSON.parse(Array(String(buffer: response.body).utf8))) ?? .null)
    }

    /// Every table (partitions included) with the rows whose text holds any of the user's
    /// identifiers, as text or as the hex of a `bytea`: empty when nothing of theirs is left.
    static func tablesMentioning(_ user: ErasureUser, _ db: PGConnection) throws -> [String: Int64] {
        let needles = [user.id, user.email, user.username, user.ip]
        let patterns = needles.flatMap { needle in
            ["%\(needle)%", "%" + needle.utf8.map { String(format: "%02x", $0) }.joined() + "%"]
        }
        var found: [String: Int64] = [:]
        for table in try db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").rows.map({ try $0.string("tablename") }) {
            // Table names come from the catalog, quoted.
            let n = try db.query("SELECT count(*) AS n FROM \"\(table)\" x WHERE x::text ILIKE ANY($1::text[])", [PGArray(patterns)])
                .first!.int("n")
            if n > 0 { found[table] = n }
        }
        return found
    }

    /// For each stored counter, how many rows differ from a recount of the events left.
    static func countMismatches(_ db: PGConnection) throws -> [String: Int64] {
        let pairs: [(String, String, String)] = [
            ("issues", "SELECT id, times_seen, user_count, first_seen, last_seen FROM issues",
             "SELECT issue_id, count(*), count(DISTINCT user_key), min(timestamp), max(timestamp) FROM events GROUP BY issue_id"),
            ("issue_users", "SELECT issue_id, user_key FROM issue_users",
             "SELECT DISTINCT issue_id, user_key FROM events WHERE user_key IS NOT NULL"),
            ("issue_hourly", "SELECT issue_id, hour, count FROM issue_hourly",
             "SELECT issue_id, date_trunc('hour', timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*) FROM events GROUP BY 1, 2"),
            ("project_hourly", "SELECT project_id, hour, count FROM project_hourly",
             "SELECT project_id, date_trunc('hour', timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*) FROM events GROUP BY 1, 2"),
            ("issue_releases", "SELECT issue_id, release, count, first_seen, last_seen FROM issue_releases",
             "SELECT issue_id, release, count(*), min(timestamp), max(timestamp) FROM events WHERE release <> '' GROUP BY 1, 2"),
            ("issue_environments", "SELECT issue_id, environment, count FROM issue_environments",
             "SELECT issue_id, environment, count(*) FROM events WHERE environment <> '' GROUP BY 1, 2"),
            ("issue_tag_values", "SELECT issue_id, key, value, count FROM issue_tag_values",
             "SELECT e.issue_id, t.key, t.value, count(*) FROM events e, jsonb_each_text(e.payload->'tags') t GROUP BY 1, 2, 3"),
            ("release_projects", """
                SELECT rp.project_id, r.version, rp.event_count, rp.first_event, rp.last_event
                FROM release_projects rp JOIN releases r ON r.id = rp.release_id WHERE rp.event_count > 0
                """,
             "SELECT project_id, release, count(*), min(timestamp), max(timestamp) FROM events WHERE release <> '' GROUP BY 1, 2"),
        ]
        var mismatches: [String: Int64] = [:]
        for (name, stored, recount) in pairs {
            let n = try db.query("SELECT count(*) AS n FROM (((\(stored)) EXCEPT (\(recount))) UNION ALL ((\(recount)) EXCEPT (\(stored)))) d")
                .first!.int("n")
            if n > 0 { mismatches[name] = n }
        }
        return mismatches
    }
}
