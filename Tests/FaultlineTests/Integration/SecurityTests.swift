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

/// SQL injection through every API parameter, event data returned as data, organizations kept
/// apart on every endpoint family, and secrets kept out of logs and tables.
@Suite struct SecurityTests {
    static let injections = [
        "'", "\"; DROP TABLE issues; --", "' OR '1'='1", "1' OR '1'='1' --", "\\", "\\'", "%", "_", "%_%", "\0",
        "$1", "1; SELECT pg_sleep(30)", "' UNION SELECT token_hash FROM api_tokens --", "\"",
    ]

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    /// The injection paths for one hostile value: every query parameter of every endpoint family
    /// and every path segment the API resolves (slugs, ids, versions, tag keys, event ids).
    static func paths(_ value: String, issueID: String) -> [String] {
        let v = encoded(value)
        let issueParameters = ["query", "cursor", "statsPeriod", "start", "end", "environment", "sort", "limit",
                               "groupStatsPeriod", "project", "id"]
        return issueParameters.map { "/api/0/projects/acme/web/issues/?\($0)=\(v)" }
            + issueParameters.map { "/api/0/organizations/acme/issues/?\($0)=\(v)" }
            + ["query", "project", "status", "cursor", "limit"].map { "/api/0/organizations/acme/releases/?\($0)=\(v)" }
            + ["field", "groupBy", "category", "outcome", "reason", "project", "interval", "statsPeriod", "start", "end"]
                .map { "/api/0/organizations/acme/stats_v2/?field=sum(quantity)&\($0)=\(v)" }
            + ["query", "groupBy", "interval", "statsPeriod", "start", "end", "format", "project", "environment"]
                .map { "/api/0/organizations/acme/aggregates/?\($0)=\(v)" }
            + ["/api/0/organizations/acme/aggregates/?groupBy=tag:\(v)",
               "/api/0/organizations/acme/events/?query=trace:\(v)",
               "/api/0/organizations/acme/events/?query=\(v)",
               "/api/0/organizations/acme/events-trace/\(v)/",
               "/api/0/projects/acme/web/events/\(v)/",
               "/api/0/projects/acme/web/dead-letters/?cursor=\(v)",
               "/api/0/projects/acme/web/releases/?query=\(v)",
               "/api/0/organizations/\(v)/", "/api/0/organizations/\(v)/projects/", "/api/0/organizations/\(v)/issues/",
               "/api/0/projects/\(v)/web/issues/", "/api/0/projects/acme/\(v)/issues/", "/api/0/projects/acme/\(v)/keys/",
               "/api/0/organizations/acme/releases/\(v)/", "/api/0/organizations/acme/releases/\(v)/deploys/",
               "/api/0/issues/\(v)/", "/api/0/organizations/acme/issues/\(v)/",
               "/api/0/issues/\(issueID)/tags/\(v)/", "/api/0/issues/\(issueID)/tags/\(v)/values/",
               "/api/0/issues/\(issueID)/events/\(v)/", "/api/0/issues/\(issueID)/events/?query=\(v)",
               "/api/0/issues/\(issueID)/events/?cursor=\(v)"]
    }

    static func counts(_ db: PGConnection) throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for table in ["organizations", "projects", "project_keys", "api_tokens", "issues", "events", "event_ids", "releases"] {
            counts[table] = try db.query("SELECT count(*) AS n FROM \(table)").first!.int("n")
        }
        counts["unresolved"] = try db.query("SELECT count(*) AS n FROM issues WHERE status = 'unresolved'").first!.int("n")
        return counts
    }

    @Test func sqlInjectionThroughEveryParameterIsDataOrA4xx() async throws {
        try await withTestDatabase { database in
            try await APITests.seeded(database) { seeded, client in
                let token = seeded.tenant.token
                let before = try Self.counts(seeded.db)
                let (_, list, _) = try await APITests.get(client, "/api/0/projects/acme/web/issues/", token: token)
                let issueID = try #require(list.array?.first?["id"]?.string)
                var answered = 0
                for value in Self.injections {
                    for path in Self.paths(value, issueID: issueID) {
                        let started = Date()
                        let (status, body, _) = try await APITests.get(client, path, token: token)
                        answered += 1
                        #expect(status.code < 500, "\(path) → \(status)")
                        // An executed pg_sleep(30) would take 30 s; a busy machine takes a few.
                        #expect(Date().timeIntervalSince(started) < 20, "\(path) was slow: an injected pg_sleep?")
                        // A hostile search is text to look for: no issue matches it (LIKE's % and _ are literal).
                        if status == .ok, path.contains("/issues/?query=") {
                            #expect(body.array == [], "\(path) matched \(body)")
                        }
                    }
                    // Writes too: a bulk change selecting by hostile ids or searches changes nothing.
                    for path in ["/api/0/projects/acme/web/issues/?id=\(Self.encoded(value))",
                                 "/api/0/projects/acme/web/issues/?query=\(Self.encoded(value))",
                                 "/api/0/organizations/acme/releases/\(Self.encoded(value))/"] {
                        let (status, _) = try await APITests.send(client, .put, path, token: token, #"{"status":"resolved"}"#)
                        #expect(status.code < 500, "PUT \(path) → \(status)")
                    }
                    let (keyStatus, _) = try await APITests.send(client, .put, "/api/0/projects/acme/web/keys/\(Self.encoded(value))/",
                                                                 token: token, #"{"isActive":false}"#)
                    #expect(keyStatus == .notFound || keyStatus == .badRequest, "key \(value.debugDescription) → \(keyStatus)")
                    let (release, _) = try await APITests.send(client, .post, "/api/0/organizations/acme/releases/", token: token,
                                                               JSON.object(["version": .string(value), "projects": ["web"]]).encodedString())
                    #expect(release.code < 500, "release \(value.debugDescription) → \(release)")
                }
                #expect(answered > 900)
                var after = try Self.counts(seeded.db)
                // Releases named by the hostile values may be created (they are valid names, as data);
                // nothing else changed.
                after["releases"] = before["releases"]
                #expect(after == before)
                let stored = try seeded.db.query("SELECT version FROM releases").rows.map { try $0.string("version") }
                #expect(stored.contains("' OR '1'='1"), "a hostile version is stored verbatim as data")
            }
        }
    }

    /// Found by the injection test: a bulk change whose ids named nothing fell back to the
    /// search, so `PUT ?id='` or a stale id resolved (or `DELETE` deleted) every issue.
    @Test func bulkChangesByIdsThatNameNothingChangeNothing() async throws {
        try await withTestDatabase { database in
            try await APITests.seeded(database) { seeded, client in
                let token = seeded.tenant.token
                let before = try Self.counts(seeded.db)
                for path in ["/api/0/projects/acme/web/issues/?id=999999", "/api/0/organizations/acme/issues/?id=999999"] {
                    let (status, _) = try await APITests.send(client, .put, path, token: token, #"{"status":"resolved"}"#)
                    #expect(status == .noContent, "\(path)")
                    let deleted = try await client.execute(uri: path, method: .delete, headers: [.authorization: "Bearer \(token)"])
                    #expect(deleted.status == .noContent, "\(path)")
                }
                for id in ["'", "abc", "1.5", ""] {
                    let (status, body) = try await APITests.send(client, .put, "/api/0/projects/acme/web/issues/?id=\(Self.encoded(id))",
                                                                 token: token, #"{"status":"resolved"}"#)
                    #expect(status == .badRequest, "\(id.debugDescription)")
                    #expect(body["detail"]?.string == "Group ids must be integers")
                }
                #expect(try Self.counts(seeded.db) == before)
            }
        }
    }

    @Test func scriptInEventFieldsIsReturnedAsJSONData() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let script = #"</script><script>alert("x")</script><img src=x onerror=alert(1)>"#
            let payload: JSON = ["platform": "python", "message": .string(script), "environment": "prod",
                                 "tags": ["region": .string(script)],
                                 "user": ["id": "u1", "username": .string(script)],
                                 "exception": ["values": [["type": "XSSError", "value": .string(script),
                                                           "stacktrace": ["frames": [["function": .string(script), "in_app": true]]]]]]]
            let message = IngestMessage(metadata: .init(type: "event", eventID: EventID.generate(), projectID: tenant.project.id,
                                                        keyID: 1, received: Date().timeIntervalSince1970, clientIP: nil, sdk: nil, sentAt: nil),
                                        payload: payload.encoded())
            _ = try db.transaction { try EventWriter($0).write([try EventPipeline.process(message)]) }
            let issueID = try db.query("SELECT id FROM issues").first!.int("id")

            let pool = PGPool(url: database.url, size: 2)
            let router = Router(context: FaultlineRequestContext.self)
            APIRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            DashboardRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            try TestUsers.create(db, email: "owner@acme.test")
            try await Application(router: router).test(.router) { client in
                let auth: HTTPFields = [.authorization: "Bearer \(tenant.token)"]
                for path in ["/api/0/projects/acme/web/issues/", "/api/0/issues/\(issueID)/", "/api/0/issues/\(issueID)/events/latest/",
                             "/api/0/issues/\(issueID)/tags/region/values/"] {
                    let response = try await client.execute(uri: path, method: .get, headers: auth)
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json", "\(path)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                    let body = String(buffer: response.body)
                    // The value comes back exactly, as a JSON string value.
                    let json = try JSON.parse(body)
                    #expect(Self.strings(in: json).contains { $0.contains(script) }, "\(path)")
                }

                var browser = DashboardBrowser(client)
                #expect(try await browser.signIn("owner@acme.test", TestUsers.password).status == .seeOther)
                let session = browser.cookieHeader
                for path in ["/ui/acme/web/", "/ui/acme/issues/\(issueID)/", "/ui/acme/web/?query=\(SecurityTests.encoded(script))"] {
                    let response = try await client.execute(uri: path, method: .get, headers: session)
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                    let page = String(buffer: response.body)
                    #expect(!page.contains("<script"), "\(path)")
                    #expect(!page.contains("<img"), "\(path)")
                    #expect(!page.contains("</script>"), "\(path)")
                    #expect(page.contains("&lt;script&gt;") || path.contains("query="), "\(path)")
                }
            }
            await pool.shutdown()
        }
    }

    static func strings(in json: JSON) -> [String] {
        switch json {
        case .string(let text): return [text]
        case .array(let items): return items.flatMap(strings(in:))
        case .object(let members): return members.values.flatMap(strings(in:))
        default: return []
        }
    }

    /// Another organization's token sees none of acme's objects on any endpoint family (404, as
    /// for a missing object), changes none of them, and its own organization's lists hold none of
    /// acme's data. A DSN key of another project cannot submit to acme's.
    @Test func organizationsAreIsolatedOnEveryEndpointFamily() async throws {
        try await withTestDatabase { database in
            try await APITests.seeded(database) { seeded, client in
                let acme = seeded.tenant
                let globex = try TestTenant.create(seeded.db, organization: "globex", project: "api")
                let (_, list, _) = try await APITests.get(client, "/api/0/projects/acme/web/issues/", token: acme.token)
                let issueID = try #require(list.array?.first?["id"]?.string)
                let (_, latest, _) = try await APITests.get(client, "/api/0/issues/\(issueID)/events/latest/", token: acme.token)
                let eventID = try #require(latest["eventID"]?.string)
                _ = try await APITests.send(client, .post, "/api/0/organizations/acme/releases/", token: acme.token,
                                            #"{"version":"shop@2.0","projects":["web"]}"#)
                let before = try Self.counts(seeded.db)

                let reads = [
                    "/api/0/organizations/acme/", "/api/0/organizations/acme/projects/", "/api/0/projects/acme/web/",
                    "/api/0/projects/acme/web/keys/", "/api/0/projects/acme/web/issues/", "/api/0/organizations/acme/issues/",
                    "/api/0/issues/\(issueID)/", "/api/0/organizations/acme/issues/\(issueID)/", "/api/0/issues/\(issueID)/events/",
                    "/api/0/issues/\(issueID)/events/latest/", "/api/0/issues/\(issueID)/events/\(eventID)/",
                    "/api/0/issues/\(issueID)/hashes/", "/api/0/issues/\(issueID)/tags/", "/api/0/issues/\(issueID)/tags/region/values/",
                    "/api/0/issues/\(issueID)/activities/", "/api/0/projects/acme/web/events/\(eventID)/",
                    "/api/0/organizations/acme/events/?query=trace:abcdefabcdefabcdefabcdefabcdefab",
                    "/api/0/organizations/acme/events-trace/abcdefabcdefabcdefabcdefabcdefab/",
                    "/api/0/organizations/acme/releases/", "/api/0/organizations/acme/releases/shop@1.0/",
                    "/api/0/organizations/acme/releases/shop@1.0/deploys/", "/api/0/projects/acme/web/releases/",
                    "/api/0/organizations/acme/stats_v2/?field=sum(quantity)&groupBy=category",
                    "/api/0/organizations/acme/aggregates/", "/api/0/projects/acme/web/dead-letters/",
                ]
                for path in reads {
                    let (status, _, _) = try await APITests.get(client, path, token: globex.token)
                    #expect(status == .notFound, "GET \(path) → \(status)")
                }
                let writes: [(HTTPRequest.Method, String, String)] = [
                    (.put, "/api/0/issues/\(issueID)/", #"{"status":"resolved"}"#),
                    (.delete, "/api/0/issues/\(issueID)/", ""),
                    (.put, "/api/0/projects/acme/web/issues/?id=\(issueID)", #"{"status":"resolved"}"#),
                    (.delete, "/api/0/projects/acme/web/issues/?id=\(issueID)", ""),
                    (.put, "/api/0/organizations/acme/issues/?id=\(issueID)", #"{"status":"resolved"}"#),
                    (.post, "/api/0/projects/acme/web/keys/", #"{"name":"stolen"}"#),
                    (.put, "/api/0/projects/acme/web/keys/\(acme.key.publicKey)/", #"{"isActive":false}"#),
                    (.post, "/api/0/organizations/acme/releases/", #"{"version":"evil@1","projects":["web"]}"#),
                    (.put, "/api/0/organizations/acme/releases/shop@1.0/", #"{"dateReleased":"2026-01-01T00:00:00Z"}"#),
                    (.delete, "/api/0/organizations/acme/releases/shop@2.0/", ""),
                    (.post, "/api/0/organizations/acme/releases/shop@1.0/deploys/", #"{"environment":"prod"}"#),
                ]
                for (method, path, body) in writes {
                    let (status, _) = try await APITests.send(client, method, path, token: globex.token, body)
                    #expect(status == .notFound, "\(method) \(path) → \(status)")
                }
                // From its own organization, globex cannot reach acme's objects by id either.
                let acmeProject = String(acme.project.id)
                for path in ["/api/0/organizations/globex/issues/?project=\(acmeProject)",
                             "/api/0/organizations/globex/releases/?project=\(acmeProject)",
                             "/api/0/organizations/globex/stats_v2/?field=sum(quantity)&project=\(acmeProject)",
                             "/api/0/organizations/globex/issues/\(issueID)/",
                             "/api/0/projects/globex/web/issues/"] {
                    let (status, body, _) = try await APITests.get(client, path, token: globex.token)
                    #expect(status.code >= 400 || body.array == [] || body["groups"]?.array == [], "\(path) → \(status) \(body)")
                }
                for path in ["/api/0/organizations/globex/releases/", "/api/0/organizations/globex/issues/", "/api/0/projects/",
                             "/api/0/organizations/globex/events/?query=trace:abcdefabcdefabcdefabcdefabcdefab"] {
                    let (status, body, _) = try await APITests.get(client, path, token: globex.token)
                    #expect(status == .ok, "\(path)")
                    #expect(!body.encodedString().contains("shop@") && !body.encodedString().contains("KeyError")
                            && !body.encodedString().contains("\"web\""), "\(path) leaks acme: \(body)")
                }
                let (aggregates, aggregateBody, _) = try await APITests.get(client, "/api/0/organizations/globex/aggregates/?groupBy=project",
                                                                            token: globex.token)
                #expect(aggregates == .ok)
                #expect(!aggregateBody.encodedString().contains("\"web\""))
                let (_, keys, _) = try await APITests.get(client, "/api/0/projects/globex/api/keys/", token: globex.token)
                #expect(!keys.encodedString().contains(acme.key.publicKey))
                #expect(try Self.counts(seeded.db) == before)
            }
        }
    }

    @Test func aDSNKeyOfAnotherOrganizationCannotSubmitToThisProject() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let db = try database.connect()
            defer { db.close() }
            let globex = try TestTenant.create(db, organization: "globex", project: "api")
            try await stack.app.test(.live) { client in
                let envelope = ByteBuffer(string: "{}\n{\"type\":\"event\"}\n{\"message\":\"cross\"}\n")
                for path in ["/api/\(stack.projectID)/envelope/", "/api/\(stack.projectID)/store/"] {
                    let response = try await client.execute(uri: path, method: .post,
                                                            headers: [.xSentryAuth: "Sentry sentry_key=\(globex.key.publicKey), sentry_version=7"],
                                                            body: envelope)
                    #expect(response.status == .forbidden, "\(path)")
                    #expect(String(buffer: response.body).contains("ProjectId"))
                }
                // Its own project takes it.
                let own = try await client.execute(uri: "/api/\(globex.project.id)/envelope/", method: .post,
                                                   headers: [.xSentryAuth: "Sentry sentry_key=\(globex.key.publicKey), sentry_version=7"],
                                                   body: envelope)
                #expect(own.status == .ok)
            }
            await stack.shutdown()
        }
    }

    @Test func tokensAreStoredOnlyAsHashes() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let (second, _) = try AdminStore(db).createToken(organization: "acme", scopes: ["event:read"])
            let rows = try db.query("SELECT row_to_json(t)::text AS row FROM api_tokens t").rows.map { try $0.string("row") }
            #expect(rows.count == 2)
            for token in [tenant.token, second] {
                #expect(token.count >= 32)
                #expect(!rows.contains { $0.contains(token) }, "a clear token is stored")
                // Nor any long part of it: only a short display prefix may be kept.
                #expect(!rows.contains { $0.contains(String(token.suffix(16))) })
            }
        }
    }
}
