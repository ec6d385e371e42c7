import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Postgres
import Store
import Testing

/// Hostile events and client reports through the running in-process stack (relay, embedded
/// broker, processor, PostgreSQL): each is answered as Sentry's relay would, ends up stored
/// (normalized) or as a dead letter, and the processor keeps going: an ordinary event sent
/// before and one sent after each case are both stored. Durations are printed, not asserted.
@Suite(.serialized) struct ProcessorHostileCorpusTests {
    struct Case {
        let name: String
        /// An envelope body; `EVENT_ID` is replaced by the case's event id.
        let envelope: String
        /// Whether an event row is expected (false for client reports).
        var storesEvent = true
        /// Extra checks on the stored payload.
        var check: (@Sendable (PGConnection, String) throws -> Void)?
    }

    static func event(_ payload: String) -> String {
        "{\"event_id\":\"EVENT_ID\"}\n{\"type\":\"event\"}\n\(payload)\n"
    }

    static func clientReport(_ entries: String) -> String {
        "{}\n{\"type\":\"client_report\"}\n{\"discarded_events\":[\(entries)]}\n"
    }

    static func nested(_ depth: Int) -> String {
        var text = "\"leaf\""
        for _ in 0..<depth { text = "{\"k\":\(text)}" }
        return text
    }

    static func storedPayload(_ db: PGConnection, _ eventID: String) throws -> String {
        try db.query("SELECT payload::text AS p FROM events WHERE event_id = $1::uuid", [eventID]).first!.string("p")
    }

    static let newrelicPath = String(repeating: "newrelic/", count: 20_000) + "agent.py"

    static let cases: [Case] = [
        Case(name: "client report: Int64.max twice, same reason",
             envelope: clientReport(#"{"reason":"queue_overflow","category":"error","quantity":9223372036854775807},{"reason":"queue_overflow","category":"error","quantity":9223372036854775807}"#),
             storesEvent: false),
        Case(name: "client report: Int64.max, different reasons",
             envelope: clientReport(#"{"reason":"queue_overflow","category":"error","quantity":9223372036854775807},{"reason":"ratelimit_backoff","category":"error","quantity":9223372036854775807}"#),
             storesEvent: false),
        // The largest quantities the relay lets through (u32, as Sentry's relay reads them), many
        // times: their sums grow past u32 in the processor without trapping.
        Case(name: "client report: u32 max, many entries of one reason",
             envelope: clientReport(Array(repeating: #"{"reason":"network_error","category":"error","quantity":4294967295}"#, count: 100).joined(separator: ",")),
             storesEvent: false),
        Case(name: "lineno Int64.max with post_context",
             envelope: event(#"{"exception":{"values":[{"type":"E","value":"v","stacktrace":{"frames":[{"function":"f","filename":"a.py","lineno":9223372036854775807,"colno":-4,"context_line":"x","pre_context":["a"],"post_context":["b","c"]}]}}]}}"#)),
        Case(name: "breadcrumb timestamp 1e300",
             envelope: event(#"{"message":"crumbs","breadcrumbs":{"values":[{"timestamp":1e300,"message":"far"},{"timestamp":-1e300},{"timestamp":1.7e9}]}}"#),
             check: { db, id in
                 let payload = try storedPayload(db, id)
                 #expect(!payload.contains("1e+300"))
             }),
        Case(name: "huge and odd timestamps",
             envelope: event(#"{"message":"times","timestamp":1e300,"start_timestamp":-1e300,"spans":[{"timestamp":1e308,"start_timestamp":"99999-01-01T00:00:00Z"}]}"#)),
        Case(name: "string timestamp past year 9999",
             envelope: event(#"{"message":"times","timestamp":"9999-12-31T23:59:59Z","breadcrumbs":[{"timestamp":"0000-01-01T00:00:00Z"}]}"#)),
        Case(name: "500 KB of '1 1 1' in extra",
             envelope: event("{\"message\":\"ones\",\"extra\":{\"ones\":\"\(String(repeating: "1 ", count: 250_000))\"}}"),
             check: { db, id in
                 let payload = try storedPayload(db, id)
                 #expect(payload.utf8.count < 100_000)
             }),
        Case(name: "500 KB of '1 1 1' in the message",
             envelope: event("{\"message\":\"\(String(repeating: "1 ", count: 250_000))\"}")),
        Case(name: "abs_path newrelic × 20,000 against the built-in rules",
             envelope: event("{\"platform\":\"python\",\"exception\":{\"values\":[{\"type\":\"E\",\"stacktrace\":{\"frames\":[{\"function\":\"f\",\"abs_path\":\"\(newrelicPath)\",\"module\":\"\(newrelicPath)\"}]}}]}}")),
        Case(name: "deeply nested extra and contexts",
             envelope: event("{\"message\":\"deep\",\"extra\":{\"deep\":\(nested(200))},\"contexts\":{\"deep\":\(nested(200))}}")),
        Case(name: "20,000 tags",
             envelope: event("{\"message\":\"tags\",\"tags\":{\(( 0..<20_000).map { "\"t\($0)\":\"v\($0)\"" }.joined(separator: ","))}}")),
        Case(name: "2,000 frames of native lambdas",
             envelope: event("{\"platform\":\"native\",\"exception\":{\"values\":[{\"type\":\"E\",\"stacktrace\":{\"frames\":[\((0..<2_000).map { _ in "{\"function\":\"\(String(repeating: "{lambda(int)#1}", count: 10))\"}" }.joined(separator: ","))]}}]}}")),
    ]

    @Test func hostileEventsAreStoredNormalizedOrDeadLetteredAndTheProcessorKeepsGoing() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let settingsDB = try database.connect()
            defer { settingsDB.close() }
            // Custom rules with many `*` run over every frame too (grouping and in_app).
            let manyStars = String(repeating: "*newrelic", count: 30) + "*"
            try ProjectSettingsStore(settingsDB).setGroupingRules(
                organization: "acme", project: "web",
                fingerprintRules: "path:\(manyStars) -> newrelic-agent\nmessage:\"\(manyStars)\" -> many",
                stackTraceRules: "path:\(manyStars) -app\nfunction:\(manyStars) ^-group")

            try await stack.app.test(.live) { client in
                let db = try database.connect()
                defer { db.close() }
                func post(_ body: String) async throws -> HTTPResponse.Status { try await stack.postEnvelope(client, body) }
                func newEventID() -> String { UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }
                func ordinary() async throws -> String {
                    let id = newEventID()
                    #expect(try await post(Self.event(#"{"message":"ordinary","level":"info"}"#).replacingOccurrences(of: "EVENT_ID", with: id)) == .ok)
                    return id
                }
                func stored(_ id: String) throws -> Bool {
                    try db.query("SELECT count(*) AS n FROM events WHERE event_id = $1::uuid", [id]).first!.int("n") == 1
                }
                func deadLetters() throws -> Int64 { try db.query("SELECT count(*) AS n FROM dead_letters").first!.int("n") }
                func waitFor(_ id: String) async throws -> Bool {
                    let deadline = Date().addingTimeInterval(60)
                    while Date() < deadline {
                        if try stored(id) { return true }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    return false
                }

                for hostile in Self.cases {
                    let started = Date()
                    let before = try await ordinary()
                    let lettersBefore = try deadLetters()
                    let id = newEventID()
                    let status = try await post(hostile.envelope.replacingOccurrences(of: "EVENT_ID", with: id))
                    #expect(status == .ok, "\(hostile.name): \(status)")
                    let after = try await ordinary()
                    #expect(try await waitFor(before), "\(hostile.name): the event before it was not stored")
                    #expect(try await waitFor(after), "\(hostile.name): the processor stopped (the event after it was not stored)")
                    if hostile.storesEvent {
                        // Its partition may be behind the ordinary events' ones: wait for it (bounded).
                        var kept = false, lettered = false
                        let deadline = Date().addingTimeInterval(20)
                        repeat {
                            kept = try stored(id)
                            lettered = try deadLetters() > lettersBefore
                            if kept || lettered { break }
                            try await Task.sleep(for: .milliseconds(50))
                        } while Date() < deadline
                        #expect(kept || lettered, "\(hostile.name): neither stored nor a dead letter")
                        if kept { try hostile.check?(db, id) }
                    }
                    print("hostile corpus: \(hostile.name): \(status.code) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
                }
                // Quantities beyond u32 make the relay refuse the whole report (as Sentry's relay
                // does), so nothing of those two is counted; the u32 ones are summed exactly. (The
                // processor's own saturation at bigint's bounds: EventLimitsTests.outcomeSumsSaturate.)
                let deadline = Date().addingTimeInterval(30)
                var quantities: [String: Int64] = [:]
                while Date() < deadline {
                    quantities = [:]
                    for row in try db.query("SELECT reason, sum(quantity)::text AS q FROM outcomes_hourly WHERE outcome = 5 GROUP BY reason").rows {
                        quantities[try row.string("reason")] = Int64(try row.string("q"))
                    }
                    if !quantities.isEmpty { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(quantities == ["network_error": 100 * 4_294_967_295])
                #expect(try deadLetters() == 0)
            }
            await stack.shutdown()
        }
    }
}
