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
            let token = tenant.token
            try await Application(router: router).test(.router) { client in
                let anonymous = try await client.execute(uri: "/ui/", method: .get)
                #expect(anonymous.status == .seeOther)
                #expect(anonymous.headers[.location] == "/ui/login")
                // The router test's requests are addressed to http://localhost.
                let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://localhost"]
                let wrong = try await client.execute(uri: "/ui/login", method: .post, headers: form,
                                                     body: ByteBuffer(string: "token=flt_nope"))
                #expect(wrong.status == .unauthorized)
                // Bracketed keys nest in the form decoder: refused as not a token, however deep.
                let nested = "token" + String(repeating: "[a]", count: 5000) + "=\(token)"
                for body in [nested, "token%5Bx%5D=\(token)", "token[]=\(token)"] {
                    let refused = try await client.execute(uri: "/ui/login", method: .post, headers: form, body: ByteBuffer(string: body))
                    #expect(refused.status == .unauthorized)
                    #expect(refused.headers[.setCookie] == nil)
                }
                let login = try await client.execute(uri: "/ui/login", method: .post, headers: form,
                                                     body: ByteBuffer(string: "token=\(token)"))
                #expect(login.status == .seeOther)
                let cookie = try #require(login.headers[.setCookie])
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
                let session: HTTPFields = [.cookie: String(cookie.split(separator: ";")[0])]

                let home = try await client.execute(uri: "/ui/", method: .get, headers: session)
                #expect(home.status == .ok)
                #expect(String(buffer: home.body).contains("/ui/acme/web/"))
                let list = String(buffer: try await client.execute(uri: "/ui/acme/web/", method: .get, headers: session).body)
                #expect(list.contains("XSSError: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
                #expect(!list.contains("<script>"))
                let detail = try await client.execute(uri: "/ui/acme/issues/\(issueID)/", method: .get, headers: session)
                #expect(detail.status == .ok)
                let page = String(buffer: detail.body)
                #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
                #expect(!page.contains("<img"))
                #expect(detail.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)

                var crossSite = session
                crossSite[.origin] = "https://evil.example"
                crossSite[.contentType] = "application/x-www-form-urlencoded"
                let refused = try await client.execute(uri: "/ui/acme/issues/\(issueID)/status", method: .post, headers: crossSite,
                                                       body: ByteBuffer(string: "status=resolved"))
                #expect(refused.status == .forbidden)
                var sameSite = session
                sameSite[.contentType] = "application/x-www-form-urlencoded"
                sameSite[.origin] = "http://localhost"
                let resolved = try await client.execute(uri: "/ui/acme/issues/\(issueID)/status", method: .post, headers: sameSite,
                                                        body: ByteBuffer(string: "status=resolved"))
                #expect(resolved.status == .seeOther)
            }
            #expect(try db.query("SELECT status FROM issues").first?.string("status") == "resolved")
            await pool.shutdown()
        }
    }
}
