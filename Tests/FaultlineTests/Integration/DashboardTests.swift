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

@Suite struct DashboardTests {
    @Test func signInListTriageAndEscapeEventData() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let tenant = try TestTenant.create(db)
            let hostile = #"<script>alert("x")</script>"#
            let payload: JSON = ["platform": "python",
                                 "exception": ["values": [["type": "XSSError", "value": .string(hostile),
                                                           "stacktrace": ["frames": [["function": "<img src=x onerror=alert(1)>",
                                                                                      "module": "shop", "in_app": true]]]]]]]
            let message = IngestMessage(metadata: .init(type: "event", eventID: EventID.generate(), projectID: tenant.project.id,
                                                        keyID: 1, received: Date().timeIntervalSince1970, clientIP: nil, sdk: nil, sentAt: nil),
                                        payload: payload.encoded())
            _ = try db.transaction { try EventWriter($0).write([try EventPipeline.process(message)]) }
            let issueID = try db.query("SELECT id FROM issues").first!.int("id")
            let pool = PGPool(url: database.url, size: 2)
            let router = Router(context: FaultlineRequestContext.self)
            DashboardRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            try TestUsers.create(db, email: "owner@acme.test")
            try await Application(router: router).test(.router) { client in
                var browser = DashboardBrowser(client)
                let anonymous = try await browser.get("/ui/")
                #expect(anonymous.status == .seeOther)
                #expect(anonymous.headers[.location] == "/ui/login")
                let wrong = try await browser.signIn("owner@acme.test", "not the password")
                #expect(wrong.status == .unauthorized)
                #expect(browser.cookies["faultline_session"] == nil)
                // An API token is no password: the token sign-in is gone.
                let token = try await browser.post("/ui/login", [("token", tenant.token)])
                #expect(token.status == .unauthorized)
                let login = try await browser.signIn("OWNER@acme.test", TestUsers.password)
                #expect(login.status == .seeOther)
                let cookie = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("faultline_session=") })
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
                #expect(cookie.contains("Path=/ui"))

                let home = try await browser.get("/ui/")
                #expect(home.status == .ok)
                #expect(String(buffer: home.body).contains("/ui/acme/web/"))
                let list = String(buffer: try await browser.get("/ui/acme/web/").body)
                #expect(list.contains("XSSError: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
                #expect(!list.contains("<script>"))
                let detail = try await browser.get("/ui/acme/issues/\(issueID)/")
                #expect(detail.status == .ok)
                let page = String(buffer: detail.body)
                #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
                #expect(!page.contains("<img"))
                #expect(detail.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)

                var crossSite = browser
                crossSite.origin = "https://evil.example"
                let refused = try await crossSite.post("/ui/acme/issues/\(issueID)/status", [("status", "resolved")])
                #expect(refused.status == .forbidden)
                // Same origin but no (or another) CSRF token: refused too.
                for csrf in ["", "00", String(repeating: "a", count: 64)] {
                    let noToken = try await browser.post("/ui/acme/issues/\(issueID)/status", [("status", "resolved")], csrf: csrf)
                    #expect(noToken.status == .forbidden)
                }
                _ = try await browser.get("/ui/acme/issues/\(issueID)/")
                let resolved = try await browser.post("/ui/acme/issues/\(issueID)/status", [("status", "resolved")])
                #expect(resolved.status == .seeOther)
            }
            #expect(try db.query("SELECT status FROM issues").first?.string("status") == "resolved")
            await pool.shutdown()
        }
    }

    /// The stream's search (spaces as `+` and `%20`), its error page, pages, the organization's
    /// stream, bulk triage, ignore conditions, comments (dashboard and API), events and raw JSON.
    @Test func streamSearchPagesBulkTriageAndComments() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            // 26 issues: one page of 25 and a second of 1.
            let messages = (0..<26).map { n -> IngestMessage in
                let type = n == 0 ? "ZeroDivisionError" : "ValueError\(n)"
                let payload: JSON = ["platform": "python", "release": "shop@1", "environment": "production",
                                     "exception": ["values": [["type": .string(type), "value": "boom"]]]]
                return IngestMessage(metadata: .init(type: "event", eventID: EventID.generate(), projectID: tenant.project.id,
                                                     keyID: 1, received: Date().timeIntervalSince1970, clientIP: nil, sdk: nil, sentAt: nil),
                                     payload: payload.encoded())
            }
            _ = try db.transaction { tx in try EventWriter(tx).write(try messages.map { try EventPipeline.process($0) }) }
            let zero = try db.query("SELECT id FROM issues WHERE title LIKE 'ZeroDivisionError%'").first!.int("id")
            let others = try db.query("SELECT id FROM issues WHERE title LIKE 'ValueError%' ORDER BY id LIMIT 2").rows.map { try $0.int("id") }
            let eventID = try db.query("SELECT event_id FROM events WHERE issue_id = $1", [zero]).first!.string("event_id")
                .replacingOccurrences(of: "-", with: "")
            let pool = PGPool(url: database.url, size: 2)
            let router = Router(context: FaultlineRequestContext.self)
            DashboardRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            APIRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            try TestUsers.create(db, email: "owner@acme.test")
            try await Application(router: router).test(.router) { client in
                var browser = DashboardBrowser(client)
                _ = try await browser.signIn("owner@acme.test", TestUsers.password)
                for path in ["/ui/acme/web/?query=is%3Aunresolved+ZeroDivision", "/ui/acme/web/?query=is:unresolved%20ZeroDivision",
                             "/ui/acme/issues/?query=is%3Aunresolved+ZeroDivision&environment=production&statsPeriod=24h"] {
                    let page = try await browser.get(path)
                    let html = String(buffer: page.body)
                    #expect(page.status == .ok, "\(path)")
                    #expect(html.contains("ZeroDivisionError: boom") && !html.contains("ValueError1"), "\(path)")
                    #expect(html.contains("value=\"is:unresolved ZeroDivision\""), "\(path)")
                }
                let bad = try await browser.get("/ui/acme/web/?query=is%3Anonsense")
                #expect(bad.status == .badRequest)
                let badHTML = String(buffer: bad.body)
                #expect(badHTML.contains("id=\"search-error\"") && badHTML.contains("value=\"is:nonsense\"") && badHTML.contains("id=\"sign-out\""))
                let first = String(buffer: try await browser.get("/ui/acme/web/").body)
                #expect(first.components(separatedBy: "<li class=\"issue\">").count == 26)
                #expect(first.contains("cursor=0%3A25%3A0") && first.contains("production"))
                let second = String(buffer: try await browser.get("/ui/acme/web/?cursor=0%3A25%3A0").body)
                #expect(second.components(separatedBy: "<li class=\"issue\">").count == 2 && second.contains("rel=\"prev\""))

                let bulk = try await browser.post("/ui/acme/issues/bulk", [("id", String(others[0])), ("id", String(others[1])),
                                                                            ("action", "resolve"), ("return", "/ui/acme/web/")])
                #expect(bulk.status == .seeOther && bulk.headers[.location] == "/ui/acme/web/")
                let offsite = try await browser.post("/ui/acme/issues/bulk", [("id", String(others[0])), ("action", "ignore"), ("return", "//evil.example/")])
                #expect(offsite.headers[.location] == "/ui/acme/issues/")
                let ignored = try await browser.post("/ui/acme/issues/\(zero)/status", [("status", "ignored"), ("ignoreCount", "5"), ("ignoreWindow", "60")])
                #expect(ignored.status == .seeOther)
                let comment = try await browser.post("/ui/acme/issues/\(zero)/comments", [("text", "<b>looking</b> into it")])
                #expect(comment.status == .seeOther)
                let api = try await client.execute(uri: "/api/0/issues/\(zero)/comments/", method: .post,
                                                   headers: [.authorization: "Bearer \(tenant.token)", .contentType: "application/json"],
                                                   body: ByteBuffer(string: #"{"text": "from the API"}"#))
                #expect(api.status == .created)
                #expect(String(buffer: api.body).contains("\"note\""))
                let detail = String(buffer: try await browser.get("/ui/acme/issues/\(zero)/?event=\(eventID)").body)
                #expect(detail.contains("&lt;b&gt;looking&lt;/b&gt; into it") && detail.contains("from the API"))
                #expect(detail.contains("ignored") && detail.contains(eventID))
                let events = String(buffer: try await browser.get("/ui/acme/issues/\(zero)/events/").body)
                #expect(events.contains("?event=\(eventID)"))
                let raw = try await browser.get("/ui/acme/issues/\(zero)/events/\(eventID)/json")
                #expect(raw.status == .ok && String(buffer: raw.body).contains(eventID))
                #expect(try await browser.get("/ui/acme/issues/\(zero)/?event=ffffffffffffffffffffffffffffffff").status == .notFound)
            }
            // others[0] resolved, then ignored by the second bulk form; others[1] resolved.
            #expect(try db.query("SELECT id FROM issues WHERE status = 'resolved'").rows.map { try $0.int("id") } == [others[1]])
            let row = try db.query("SELECT status, ignore_count FROM issues WHERE id = $1", [zero]).first
            #expect(try row?.string("status") == "ignored" && row?.optionalInt("ignore_count") == 5)
            #expect(try db.query("SELECT count(*) AS n FROM issue_activities WHERE type = 'note'").first?.int("n") == 2)
            await pool.shutdown()
        }
    }
}
