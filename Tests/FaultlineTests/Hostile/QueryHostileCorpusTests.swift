import EventModel
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Postgres
import Query
import Store
import Testing
import Web
@testable import Processor

/// Hostile stored rows and hostile requests against the real API and dashboard routes over a
/// live HTTP server (docs/HARDENING.md, "Query, dashboard and fuzzing"). Rows are written
/// around the processor, straight into PostgreSQL, as a past bug or a hand edit would leave
/// them. Every case checks its status, then that the server still answers an ordinary request.
@Suite struct QueryHostileCorpusTests {
    struct Stack: @unchecked Sendable {
        let tenant: TestTenant
        let db: PGConnection
        /// Event id → issue id of each hostile stored event.
        let hostile: [(String, Int64, String)]
    }

    /// Stored payloads that crashed or could crash a reader (the processor's normalization
    /// would not let most of them in today; rows already stored must still render).
    static let payloads: [String] = [
        #"{"exception":{"values":[{"type":"E","value":"v","stacktrace":{"frames":[{"function":"f","lineno":9223372036854775807,"context_line":"c","post_context":["a","b"]}]}}]}}"#,
        #"{"exception":{"values":[{"type":"E","stacktrace":{"frames":[{"lineno":-9223372036854775808,"pre_context":["a","b"]}]}}]}}"#,
        #"{"breadcrumbs":{"values":[{"timestamp":1e300,"message":"far"},{"timestamp":-1e300},{"timestamp":"x"}]},"message":"m"}"#,
        #"{"exception":{"values":[{"type":7,"value":[],"stacktrace":{"frames":{"lineno":"12"}}},"x",null]},"tags":[["a","b"],[1]],"user":"u"}"#,
        #"{"exception":"boom","threads":{"values":[{"stacktrace":{"frames":[{"lineno":1.5,"pre_context":"x"},{"lineno":1e300,"post_context":["p"]}]}}]},"request":{"headers":[["Content-Type",1]]}}"#,
        #"{"breadcrumbs":[{"timestamp":-62167219201},{"timestamp":253402300800}],"logentry":{"formatted":3},"contexts":[],"sdk":"s"}"#,
        // Stored `_meta` out of Sentry's shape: read as far as it is in it (EventMetaJSON).
        #"{"message":"m","_meta":"x"}"#,
        #"{"exception":{"values":[{"type":"E"}]},"tags":[["a","b"]],"_meta":{"exception":{"values":{"0":{"type":{"":{"rem":[["r","s",-1,1e300],[1],"x"],"len":-5,"err":[7,[],["e",5]],"val":{"a":[1]}}}}}},"entries":[],"tags":{"a":{"":{"len":99999999999999999999}},"0":5},"user":{"":{"rem":"x"}},"":{"":{"":1}}}}"#,
        "{\"message\":\"deep\",\"_meta\":" + String(repeating: "{\"a\":", count: 60) + "{\"\":{\"len\":1}}" + String(repeating: "}", count: 60) + "}",
    ]

    static func processed(_ project: Int64, type: String, release: String? = nil, environment: String? = nil,
                          tags: [String: JSON] = [:]) throws -> ProcessedEvent {
        var json: [String: JSON] = ["platform": "python", "tags": .object(tags),
                                    "exception": ["values": [["type": .string(type), "value": "it broke"]]]]
        if let release { json["release"] = .string(release) }
        if let environment { json["environment"] = .string(environment) }
        let message = IngestMessage(metadata: .init(type: "event", eventID: EventID.generate(), projectID: project, keyID: 1,
                                                    received: Date().timeIntervalSince1970, clientIP: nil, sdk: nil, sentAt: nil),
                                    payload: JSON.object(json).encoded())
        return try EventPipeline.process(message)
    }

    static func withStack(_ body: @escaping @Sendable (Stack, any TestClientProtocol) async throws -> Void) async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let tenant = try TestTenant.create(db)
            try TestUsers.create(db, email: "owner@acme.test")
            let project = tenant.project.id
            var events = [try processed(project, type: "Ordinary")]
            events += try Self.payloads.indices.map { try processed(project, type: "Hostile\($0)") }
            // Spreadsheet formulas in the values the aggregates CSV writes.
            events.append(try processed(project, type: "Formula", release: "=cmd|' -C calc'!A0", environment: "-2+3",
                                        tags: ["region": "@SUM(1+1)", "plain": "ok"]))
            _ = try db.transaction { try EventWriter($0).write(events) }
            var hostile: [(String, Int64, String)] = []
            for (index, payload) in Self.payloads.enumerated() {
                let eventID = events[index + 1].eventID
                try db.query("UPDATE events SET payload = $1::jsonb WHERE event_id = $2::uuid", [payload, eventID])
                let issue = try db.query("SELECT issue_id FROM events WHERE event_id = $1::uuid", [eventID]).first!.int("issue_id")
                hostile.append((eventID, issue, payload))
            }
            let pool = PGPool(url: database.url, size: 4)
            let router = Router(context: FaultlineRequestContext.self)
            APIRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            DashboardRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            let stack = Stack(tenant: tenant, db: db, hostile: hostile)
            try await Application(router: router).test(.live) { client in try await body(stack, client) }
            await pool.shutdown()
        }
    }

    static func get(_ client: some TestClientProtocol, _ path: String, _ stack: Stack,
                    headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        fields[.authorization] = "Bearer \(stack.tenant.token)"
        return try await client.execute(uri: path, method: .get, headers: fields)
    }

    /// The ordinary request after every hostile one.
    static func stillServes(_ client: some TestClientProtocol, _ stack: Stack, after what: String) async throws {
        let response = try await get(client, "/api/0/projects/acme/web/issues/?query=Ordinary", stack)
        #expect(response.status == .ok, "after \(what)")
        #expect(String(buffer: response.body).contains("Ordinary"), "after \(what)")
    }

    /// A signed-in browser (the stack's owner).
    static func browser(_ client: some TestClientProtocol, _ stack: Stack) async throws -> DashboardBrowser {
        var browser = DashboardBrowser(client)
        #expect(try await browser.signIn("owner@acme.test", TestUsers.password).status == .seeOther)
        return browser
    }

    static func session(_ client: some TestClientProtocol, _ stack: Stack) async throws -> HTTPFields {
        try await browser(client, stack).cookieHeader
    }

    @Test func storedEventsRenderWhateverTheyHold() async throws {
        try await Self.withStack { stack, client in
            let session = try await Self.session(client, stack)
            for (eventID, issueID, payload) in stack.hostile {
                let event = try await Self.get(client, "/api/0/projects/acme/web/events/\(eventID)/", stack)
                #expect(event.status == .ok, "\(payload)")
                #expect((try? JSON.parse(Array(event.body.readableBytesView)))?["eventID"]?.string == eventID, "\(payload)")
                let latest = try await Self.get(client, "/api/0/issues/\(issueID)/events/latest/", stack)
                #expect(latest.status == .ok, "\(payload)")
                let list = try await Self.get(client, "/api/0/issues/\(issueID)/events/?full=1", stack)
                #expect(list.status == .ok, "\(payload)")
                let page = try await client.execute(uri: "/ui/acme/issues/\(issueID)/", method: .get, headers: session)
                #expect(page.status == .ok, "\(payload)")
                try await Self.stillServes(client, stack, after: payload)
            }
            let crumbs = try await Self.get(client, "/api/0/projects/acme/web/events/\(stack.hostile[2].0)/", stack)
            #expect(String(buffer: crumbs.body).contains("1e+300"))
            let lines = try await Self.get(client, "/api/0/projects/acme/web/events/\(stack.hostile[0].0)/", stack)
            #expect(String(buffer: lines.body).contains("[9223372036854775807,\"a\"]"))
            // What of a hostile `_meta` is in Sentry's shape renders there; the rest is dropped.
            let meta = try await Self.get(client, "/api/0/projects/acme/web/events/\(stack.hostile[7].0)/", stack)
            let rendered = try JSON.parse(Array(meta.body.readableBytesView))["_meta"]
            #expect(rendered?["entries"]?["0"]?["data"]?["values"]?["0"]?["type"]?[""]
                == ["rem": [["r", "s"]], "err": ["e"], "val": ["a": [1]]])
            #expect(rendered?["tags"] == nil || rendered?["tags"] == .null)
            #expect(rendered?["user"] == nil || rendered?["user"] == .null)
        }
    }

    @Test func storedCountsPastInt64Saturate() async throws {
        try await Self.withStack { stack, client in
            let org = try stack.db.query("SELECT id FROM organizations").first!.int("id")
            let project = stack.tenant.project.id
            let hour = "date_trunc('hour', now() - interval '2 hours')"
            // Rows whose sums pass Int64: in Swift across reasons, in PostgreSQL (numeric) across keys.
            for (reason, key) in [("a", 0), ("b", 0), ("c", 0), ("c", 1), ("c", 2)] {
                try stack.db.query("""
                    INSERT INTO outcomes_hourly (organization_id, project_id, key_id, hour, category, outcome, reason, quantity, times_seen)
                    VALUES ($1, $2, $3, \(hour), 1, 1, $4, 9223372036854775807, 9223372036854775806)
                    """, [org, project, Int64(key), reason])
            }
            for query in ["groupBy=outcome", "groupBy=reason", "groupBy=project", "groupBy=outcome&groupBy=reason&interval=1d"] {
                let response = try await Self.get(client, "/api/0/organizations/acme/stats_v2/?field=sum(quantity)&field=sum(times_seen)"
                                                   + "&category=error&statsPeriod=1d&\(query)", stack)
                #expect(response.status == .ok, "\(query)")
                let groups = (try? JSON.parse(Array(response.body.readableBytesView)))?["groups"]?.array ?? []
                #expect(groups.contains { $0["totals"]?["sum(quantity)"] == .int(.max) }, "\(query)")
                try await Self.stillServes(client, stack, after: query)
            }
            // Hourly issue counts that pass Int64 when folded into days, and tag counts whose sum does.
            let issue = stack.hostile[0].1
            for hoursAgo in [1, 2, 3] {
                try stack.db.query("""
                    INSERT INTO issue_hourly (project_id, issue_id, hour, count)
                    SELECT project_id, id, date_trunc('hour', now() - make_interval(hours => $2::int)), 9223372036854775807
                    FROM issues WHERE id = $1
                    ON CONFLICT (issue_id, hour) DO UPDATE SET count = excluded.count
                    """, [issue, Int64(hoursAgo)])
                try stack.db.query("""
                    INSERT INTO issue_tag_values (project_id, issue_id, key, value, count, first_seen, last_seen)
                    SELECT project_id, id, 'huge', $2, 9223372036854775807, now(), now() FROM issues WHERE id = $1
                    """, [issue, "v\(hoursAgo)"])
            }
            for path in ["/api/0/organizations/acme/issues/?groupStatsPeriod=14d&query=", "/api/0/organizations/acme/issues/?query=",
                         "/api/0/issues/\(issue)/", "/api/0/issues/\(issue)/tags/", "/api/0/issues/\(issue)/tags/huge/"] {
                let response = try await Self.get(client, path, stack)
                #expect(response.status == .ok, "\(path)")
                try await Self.stillServes(client, stack, after: path)
            }
            let tag = try await Self.get(client, "/api/0/issues/\(issue)/tags/huge/", stack)
            #expect((try? JSON.parse(Array(tag.body.readableBytesView)))?["totalValues"] == .int(.max))
            let session = try await Self.session(client, stack)
            let list = try await client.execute(uri: "/ui/acme/web/?query=", method: .get, headers: session)
            #expect(list.status == .ok)
            try await Self.stillServes(client, stack, after: "the dashboard's sparklines")
        }
    }

    @Test func aggregatesCSVNeutralisesFormulas() async throws {
        try await Self.withStack { stack, client in
            let response = try await Self.get(client, "/api/0/organizations/acme/aggregates/?format=csv&statsPeriod=24h"
                                               + "&groupBy=release&groupBy=environment&groupBy=tag:region", stack)
            #expect(response.status == .ok)
            let csv = String(buffer: response.body)
            #expect(csv.contains(#""'=cmd|' -C calc'!A0""#))
            #expect(csv.contains(#""'-2+3""#))
            #expect(csv.contains(#""'@SUM(1+1)""#))
            for line in csv.split(separator: "\r\n") {
                for cell in line.split(separator: ",") {
                    let text = cell.hasPrefix("\"") ? cell.dropFirst() : cell
                    #expect(!["=", "+", "@"].contains(text.first), "\(line)")
                }
            }
            try await Self.stillServes(client, stack, after: "the CSV")
        }
    }

    @Test func dashboardFormsFromAnotherOriginAreRefused() async throws {
        try await Self.withStack { stack, client in
            let issue = stack.hostile[0].1
            let signedIn = try await Self.browser(client, stack)
            // The live test client addresses the server as http://localhost.
            let refused: [(String?, String?)] = [
                ("https://localhost", nil), ("http://localhost:8080", nil), ("http://evil.example", nil),
                ("http://localhost.evil.example", nil), ("null", nil), (nil, nil), (nil, "http://evil.example/ui/"),
                ("http://evil.example", "http://localhost/ui/"),
            ]
            var anonymous = DashboardBrowser(client)
            _ = try await anonymous.get("/ui/login")
            for (origin, referer) in refused {
                // Each form carries a valid CSRF token: the origin check alone refuses it.
                for (browser, path, fields) in [(anonymous, "/ui/login", [("email", "owner@acme.test"), ("password", TestUsers.password)]),
                                                (signedIn, "/ui/acme/issues/\(issue)/status", [("status", "resolved")]),
                                                (signedIn, "/ui/logout", [])] {
                    var headers = browser.cookieHeader
                    headers[.contentType] = "application/x-www-form-urlencoded"
                    if let origin { headers[.origin] = origin }
                    if let referer { headers[.referer] = referer }
                    let body = (fields + [("csrf", browser.csrf ?? "")]).map { "\($0.0)=\(DashboardBrowser.encode($0.1))" }.joined(separator: "&")
                    let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
                    #expect(response.status == .forbidden, "\(path) from \(origin ?? "-") / \(referer ?? "-")")
                    #expect(response.headers[.setCookie] == nil)
                }
                try await Self.stillServes(client, stack, after: "a cross-site form")
            }
            #expect(try stack.db.query("SELECT status FROM issues WHERE id = $1", [issue]).first?.string("status") == "unresolved")
            var sameSite = signedIn
            _ = try await sameSite.get("/ui/acme/issues/\(issue)/")
            var headers = sameSite.cookieHeader
            headers[.contentType] = "application/x-www-form-urlencoded"
            headers[.referer] = "http://localhost/ui/acme/issues/\(issue)/"
            let resolved = try await client.execute(uri: "/ui/acme/issues/\(issue)/status", method: .post, headers: headers,
                                                    body: ByteBuffer(string: "status=resolved&csrf=\(sameSite.csrf ?? "")"))
            #expect(resolved.status == .seeOther)
            #expect(try stack.db.query("SELECT status FROM issues WHERE id = $1", [issue]).first?.string("status") == "resolved")
            let page = try await client.execute(uri: "/ui/login", method: .get)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.xFrameOptions] == "DENY")
        }
    }

    @Test func hostileQueryParametersGetAnAnswer() async throws {
        try await Self.withStack { stack, client in
            let stats = "/api/0/organizations/acme/stats_v2/?field=sum(quantity)&category=error"
            let cases: [(String, HTTPResponse.Status)] = [
                ("/api/0/organizations/acme/releases/?per_page=99999999999999999999", .badRequest),
                ("/api/0/organizations/acme/releases/?per_page=1000", .badRequest),
                ("/api/0/organizations/acme/releases/?per_page=-1", .badRequest),
                ("/api/0/organizations/acme/releases/?cursor=0:99999999999999999999:0", .badRequest),
                ("/api/0/organizations/acme/releases/?cursor=0:-1:0", .badRequest),
                ("/api/0/projects/acme/web/issues/?cursor=0:1000000:0", .ok),
                ("/api/0/projects/acme/web/issues/?cursor=0:1000001:0", .badRequest),
                ("/api/0/projects/acme/web/issues/?limit=99999999999999999999", .ok),
                ("/api/0/projects/acme/web/issues/?limit=-9223372036854775808", .ok),
                ("/api/0/projects/acme/web/issues/?statsPeriod=99999999999d", .badRequest),
                ("/api/0/projects/acme/web/issues/?statsPeriod=999999999w", .badRequest),
                ("/api/0/projects/acme/web/issues/?start=0000-01-01T00:00:00Z&end=2026-01-01T00:00:00Z", .badRequest),
                ("/api/0/projects/acme/web/issues/?start=0001-01-01T00:00:00Z&end=9999-12-31T23:59:59Z", .ok),
                ("/api/0/projects/acme/web/issues/?query=firstSeen:0000-01-01", .badRequest),
                ("/api/0/projects/acme/web/issues/?query=lastSeen:%3E9999-12-31T23:59:59Z", .ok),
                ("/api/0/projects/acme/web/issues/?query=times_seen:%3E99999999999999999999", .badRequest),
                ("/api/0/issues/\(stack.hostile[0].1)/events/?cursor=0:1000000:0", .ok),
                ("\(stats)&statsPeriod=99999999999d", .badRequest),
                ("\(stats)&interval=0s", .badRequest),
                ("\(stats)&interval=-1h", .badRequest),
                ("\(stats)&interval=99999999999d", .badRequest),
                ("\(stats)&interval=999999999w", .ok),
                ("\(stats)&start=0000-01-01T00:00:00Z&end=0000-01-02T00:00:00Z", .badRequest),
                ("\(stats)&start=0001-01-01T00:00:00Z&end=0001-01-02T00:00:00Z", .ok),
                ("\(stats)&start=9999-12-30T00:00:00Z&end=9999-12-31T23:59:59Z", .ok),
                ("\(stats)&start=0001-01-01T00:00:00Z&end=9999-12-31T23:59:59Z", .badRequest),
                ("/api/0/organizations/acme/aggregates/?start=0001-01-01T00:00:00Z&end=0001-01-02T00:00:00Z&format=csv", .ok),
                ("/api/0/organizations/acme/aggregates/?start=9999-12-30T00:00:00Z&end=9999-12-31T23:59:59Z", .ok),
                ("/api/0/organizations/acme/aggregates/?start=0000-01-01T00:00:00Z&end=0000-01-02T00:00:00Z", .badRequest),
                ("/api/0/organizations/acme/aggregates/?statsPeriod=99999999999d", .badRequest),
            ]
            for (path, expected) in cases {
                let response = try await Self.get(client, path, stack)
                #expect(response.status == expected, "\(path): \(String(buffer: response.body).prefix(200))")
                try await Self.stillServes(client, stack, after: path)
            }
        }
    }
}
