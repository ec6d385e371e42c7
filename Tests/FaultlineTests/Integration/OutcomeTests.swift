import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Quotas
import RelayConfig
import Store
import Testing

/// Outcomes: relay → Kafka `outcomes` → processor → `outcomes_hourly` → stats_v2.
@Suite(.serialized) struct OutcomeTests {
    struct Stats: Decodable {
        struct Group: Decodable {
            let by: [String: ByValue]
            let totals: [String: Int]
            let series: [String: [Int]]?
        }
        let start: String
        let end: String
        let intervals: [String]?
        let groups: [Group]
    }

    enum ByValue: Decodable, Equatable {
        case text(String), number(Int)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
        }
    }

    @Test func everyItemsOutcomeIsCountedOnceAndStatsV2ReportsIt() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let db = try database.connect()
            defer { db.close() }
            let config = RelayConfigStore(db)
            try config.setRateLimit(organization: "acme", project: "web", publicKey: nil, category: .error, windowSeconds: 3600, maxQuantity: 3)
            try config.setFilters(organization: "acme", project: "web", filters: InboundFilters(errorMessages: ["*ignored*"]))
            let organizationID = try db.query("SELECT id FROM organizations WHERE slug = 'acme'").first!.int("id")

            try await stack.app.test(.live) { client in
                let db = try database.connect()
                defer { db.close() }
                func post(_ body: String) async throws -> HTTPResponse.Status { try await stack.postEnvelope(client, body) }
                var statuses: [HTTPResponse.Status] = []
                for index in 0..<5 { statuses.append(try await post("{}\n{\"type\":\"event\"}\n{\"message\":\"boom \(index)\"}\n")) }
                #expect(statuses == [.ok, .ok, .ok, .tooManyRequests, .tooManyRequests])
                #expect(try await post("{}\n{\"type\":\"event\"}\n{\"message\":\"please ignored me\"}\n") == .ok)
                #expect(try await post("{}\n{\"type\":\"session\"}\n{\"sid\":\"s\",\"status\":\"ok\"}\n") == .ok)
                let report = #"{"discarded_events":[{"reason":"queue_overflow","category":"error","quantity":4}]}"#
                #expect(try await post("{}\n{\"type\":\"client_report\"}\n\(report)\n") == .ok)

                // 5 errors + 1 filtered + 1 session + 1 client report entry = 8 records.
                let deadline = Date().addingTimeInterval(30)
                while try db.query("SELECT coalesce(sum(times_seen), 0) AS n FROM outcomes_hourly").first!.int("n") < 8 && Date() < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await Task.sleep(for: .seconds(1)) // anything beyond would be a double count
                var counts: [String: Int64] = [:]
                for row in try db.query("""
                    SELECT outcome, category, reason, sum(quantity) AS q, sum(times_seen) AS t, min(organization_id) AS o,
                           min(key_id) AS k, count(DISTINCT hour) AS h
                    FROM outcomes_hourly GROUP BY 1, 2, 3
                    """).rows {
                    counts["\(try row.int("outcome"))/\(try row.int("category"))/\(try row.string("reason"))"] = try row.int("q")
                    #expect(try row.int("o") == organizationID)
                    #expect(try row.int("k") == stack.dsnKey.id)
                }
                #expect(counts == ["0/1/": 3, "2/1/quota_exceeded": 2, "1/1/error-message": 1, "0/5/": 1, "5/1/queue_overflow": 4])
                #expect(try db.query("SELECT sum(times_seen) AS n FROM outcomes_hourly").first!.int("n") == 8)
                #expect(try db.query("SELECT count(*) AS n FROM events").first!.int("n") == 3)
                #expect(try db.query("SELECT count(*) AS n FROM dead_letters").first!.int("n") == 0)

                func stats(_ query: String) async throws -> (HTTPResponse.Status, Data) {
                    let response = try await client.execute(uri: "/api/0/organizations/acme/stats_v2/?\(query)", method: .get,
                                                            headers: [.authorization: "Bearer \(stack.token)"])
                    return (response.status, Data(buffer: response.body))
                }
                let (status, body) = try await stats("field=sum(quantity)&field=sum(times_seen)&groupBy=outcome&groupBy=category&statsPeriod=24h")
                #expect(status == .ok)
                let byOutcome = try JSONDecoder().decode(Stats.self, from: body)
                #expect(byOutcome.intervals?.count == 24)
                var totals: [String: Int] = [:]
                for group in byOutcome.groups {
                    guard case .text(let outcome)? = group.by["outcome"], case .text(let category)? = group.by["category"] else { continue }
                    totals["\(outcome)/\(category)"] = group.totals["sum(quantity)"]
                    #expect(group.series?["sum(quantity)"]?.reduce(0, +) == group.totals["sum(quantity)"])
                    #expect(group.series?["sum(quantity)"]?.count == 24)
                }
                #expect(totals == ["accepted/error": 3, "rate_limited/error": 2, "filtered/error": 1, "accepted/session": 1,
                                   "client_discard/error": 4])
                let filtered = try JSONDecoder().decode(Stats.self, from: try await stats(
                    "field=sum(times_seen)&groupBy=reason&category=error&outcome=rate_limited&outcome=filtered&interval=1d").1)
                #expect(filtered.groups.map { $0.by["reason"] }.compactMap { $0 } == [.text("error-message"), .text("quota_exceeded")])
                #expect(filtered.groups.map { $0.totals["sum(times_seen)"] } == [1, 2])
                #expect(filtered.intervals?.count == 14)
                let byProject = try JSONDecoder().decode(Stats.self, from: try await stats("field=sum(quantity)&groupBy=project&category=error").1)
                #expect(byProject.intervals == nil)
                #expect(byProject.groups.map { $0.by["project"] } == [.number(Int(stack.projectID))])
                #expect(byProject.groups.first?.totals["sum(quantity)"] == 10)
                let missing = try await stats("field=sum(quantity)")
                #expect(missing.0 == .badRequest)
                #expect(String(decoding: missing.1, as: UTF8.self) == #"{"detail":"Query must have category as groupby or filter"}"#)
                let otherProject = try await stats("field=sum(quantity)&category=error&project=999999")
                #expect(otherProject.0 == .forbidden)
            }
            await stack.shutdown()
        }
    }

    @Test func undecodableOutcomesAreDeadLetteredAndTheRestCounted() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let good = OutcomeRecord(timestamp: Date(), orgID: nil, projectID: stack.projectID, keyID: nil, outcome: .invalid,
                                     reason: "payload", eventID: nil, remoteAddr: nil, category: .error, quantity: 1)
            try await stack.producer.send(topic: "outcomes", key: nil, value: Array("{\"project_id\":\(stack.projectID),\"outcome\":".utf8))
            try await stack.producer.send(topic: "outcomes", key: nil, value: good.encoded())
            try await stack.app.test(.live) { _ in
                let db = try database.connect()
                defer { db.close() }
                let deadline = Date().addingTimeInterval(30)
                while Date() < deadline {
                    let letters = try db.query("SELECT count(*) AS n FROM dead_letters").first!.int("n")
                    let counted = try db.query("SELECT coalesce(sum(quantity), 0) AS n FROM outcomes_hourly").first!.int("n")
                    if letters >= 1 && counted >= 1 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let letter = try #require(try db.query("SELECT topic, project_id, reason FROM dead_letters").first)
                #expect(try letter.string("topic") == "outcomes")
                #expect(try letter.optionalInt("project_id") == nil) // the JSON is cut off: no project to name
                #expect(try letter.string("reason").hasPrefix("undecodable outcome"))
                // Without org_id, the organization comes from the project; no key becomes key 0.
                let row = try #require(try db.query("SELECT organization_id, key_id, reason, quantity FROM outcomes_hourly").first)
                #expect(try row.int("organization_id") == (try db.query("SELECT id FROM organizations WHERE slug = 'acme'").first!.int("id")))
                #expect(try row.int("key_id") == 0)
                #expect(try row.string("reason") == "payload")
            }
            await stack.shutdown()
        }
    }
}
