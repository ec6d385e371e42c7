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
}
