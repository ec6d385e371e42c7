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

/// The Sentry-compatible API over a database seeded through the processor's writer.
@Suite struct APITests {
    struct Seeded: @unchecked Sendable {
        let tenant: TestTenant
        let db: PGConnection
        let app: Application<RouterResponder<FaultlineRequestContext>>
        let pool: PGPool
    }

    static func seeded(_ database: TestDatabase, _ body: @escaping @Sendable (Seeded, any TestClientProtocol) async throws -> Void) async throws {
        let db = try database.connect()
        let tenant = try TestTenant.create(db)
        let project = tenant.project.id
        func event(_ type: String, user: String? = nil, release: String? = nil, level: String = "error", trace: String? = nil,
                   tags: [String: JSON] = [:]) throws -> ProcessedEvent {
            var json: [String: JSON] = [
                "platform": "python", "level": .string(level), "tags": .object(tags),
                "exception": ["values": [["type": .string(type), "value": "it broke",
                                          "stacktrace": ["frames": [["function": "handler", "module": "shop.views", "lineno": 10,
                                                                     "context_line": "raise Error()", "pre_context": ["x = 1"],
                                                                     "in_app": true]]]]]],
                "breadcrumbs": ["values": [["category": "http", "message": "GET /cart", "timestamp": .double(1_700_000_000.5)]]],
            ]
            if let user { json["user"] = ["id": .string(user), "email": .string("\(user)@example.com")] }
            if let release { json["release"] = .string(release) }
            if let trace { json["contexts"] = ["trace": ["trace_id": .string(trace), "span_id": "0123456789abcdef"]] }
            let message = IngestMessage(metadata: .init(type: "event", eventID: EventID.generate(), projectID: project, keyID: 1,
                                                        received: Date().timeIntervalSince1970, clientIP: nil, sdk: nil, sentAt: nil),
                                        payload: JSON.object(json).encoded())
            return try EventPipeline.process(message)
        }
        var events = try (0..<6).map { i in try event("KeyError", user: "u\(i % 3)", release: "shop@1.0", tags: ["region": "eu"]) }
        events += try (0..<3).map { i in try event("ValueError", user: "v\(i)", level: "warning", tags: ["region": "us"]) }
        events += [try event("TimeoutError", trace: "abcdefabcdefabcdefabcdefabcdefab")]
        _ = try db.transaction { try EventWriter($0).write(events) }

        let pool = PGPool(url: database.url, size: 2)
        let router = Router(context: FaultlineRequestContext.self)
        APIRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
        let app = Application(router: router)
        let seeded = Seeded(tenant: tenant, db: db, app: app, pool: pool)
        try await app.test(.router) { client in try await body(seeded, client) }
        await pool.shutdown()
    }

    static func get(_ client: some TestClientProtocol, _ path: String, token: String?) async throws -> (HTTPResponse.Status, JSON, HTTPFields) {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await client.execute(uri: path, method: .get, headers: headers)
        return (response.status, (try? JSON.parse(Array(response.body.readableBytesView))) ?? .null, response.headers)
    }

    static func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, token: String,
                     _ body: String) async throws -> (HTTPResponse.Status, JSON) {
        let response = try await client.execute(uri: path, method: method, headers: [.authorization: "Bearer \(token)"],
                                                body: ByteBuffer(string: body))
        return (response.status, (try? JSON.parse(Array(response.body.readableBytesView))) ?? .null)
    }

    @Test func issueListsFilterSortPageAndCarryStats() async throws {
        try await withTestDatabase { database in
            try await Self.seeded(database) { seeded, client in
                let token = seeded.tenant.token
                let (status, list, headers) = try await Self.get(client, "/api/0/projects/acme/web/issues/?sort=freq", token: token)
                #expect(status == .ok)
                let issues = list.array ?? []
                #expect(issues.compactMap { $0["title"]?.string } == ["KeyError: it broke", "ValueError: it broke", "TimeoutError: it broke"])
                #expect(issues.compactMap { $0["count"]?.string } == ["6", "3", "1"])
                #expect(issues.compactMap { $0["userCount"]?.int } == [3, 3, 0])
                let stats = issues.first?["stats"]?["24h"]?.array ?? []
                #expect(stats.count == 24)
                #expect(stats.compactMap { $0.array?.last?.int }.reduce(0, +) == 6)
                #expect(headers[.link]?.contains(#"rel="next"; results="false""#) == true)

                let (_, byUsers, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/?sort=user&limit=1", token: token)
                #expect(byUsers.array?.count == 1)
                let (_, page, pageHeaders) = try await Self.get(client, "/api/0/projects/acme/web/issues/?sort=freq&limit=2", token: token)
                #expect(page.array?.count == 2)
                let link = pageHeaders[.link] ?? ""
                #expect(link.contains(#"rel="next"; results="true"; cursor="0:2:0""#))
                let (_, second, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/?sort=freq&limit=2&cursor=0:2:0", token: token)
                #expect(second.array?.compactMap { $0["title"]?.string } == ["TimeoutError: it broke"])
                let (bad, _, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/?cursor=nonsense", token: token)
                #expect(bad == .badRequest)

                let (_, text, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/?query=Timeout", token: token)
                #expect(text.array?.count == 1)
                // A space sent as `+` (Python's `requests`, HTML forms) is a space, as Sentry's API reads it.
                let (plusStatus, plus, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/?query=is:unresolved+Timeout", token: token)
                #expect(plusStatus == .ok && plus.array?.count == 1)
                let (_, org, _) = try await Self.get(client, "/api/0/organizations/acme/issues/?environment=production", token: token)
                #expect(org.array?.count == 0)
                let (_, orgAll, _) = try await Self.get(client, "/api/0/organizations/acme/issues/?project=-1&groupStatsPeriod=14d", token: token)
                #expect(orgAll.array?.count == 3)
                #expect(orgAll.array?.first?["stats"]?["14d"]?.array?.count == 14)
            }
        }
    }

    @Test func bulkChangesResolveIgnoreAssignMergeAndDelete() async throws {
        try await withTestDatabase { database in
            try await Self.seeded(database) { seeded, client in
                let token = seeded.tenant.token
                let (_, list, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/?sort=freq", token: token)
                let ids = (list.array ?? []).compactMap { $0["id"]?.string }
                #expect(ids.count == 3)

                let (resolved, echo) = try await Self.send(client, .put, "/api/0/projects/acme/web/issues/?id=\(ids[0])", token: token,
                                                           #"{"status":"resolved","snoozeDuration":null}"#)
                #expect(resolved == .ok)
                #expect(echo["status"]?.string == "resolved")
                let (_, unresolved, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/", token: token)
                #expect(unresolved.array?.count == 2)
                let (_, resolvedList, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/?query=is:resolved", token: token)
                #expect(resolvedList.array?.compactMap { $0["id"]?.string } == [ids[0]])

                _ = try await Self.send(client, .put, "/api/0/projects/acme/web/issues/?id=\(ids[1])", token: token,
                                        #"{"status":"ignored","statusDetails":{"ignoreCount":100,"ignoreWindow":60}}"#)
                let (_, ignored, _) = try await Self.get(client, "/api/0/issues/\(ids[1])/", token: token)
                #expect(ignored["status"]?.string == "ignored")
                #expect(ignored["statusDetails"]?["ignoreCount"]?.int == 100)
                #expect(ignored["activity"]?.array?.first?["type"]?.string == "set_ignored")

                let (_, assigned) = try await Self.send(client, .put, "/api/0/issues/\(ids[2])/", token: token,
                                                        #"{"assignedTo":"jane@example.com"}"#)
                #expect(assigned["assignedTo"]?["email"]?.string == "jane@example.com")

                // Without ids, the search decides: `status=ignored` unresolves the ignored one only.
                _ = try await Self.send(client, .put, "/api/0/projects/acme/web/issues/?query=&status=ignored", token: token,
                                        #"{"status":"unresolved"}"#)
                let (_, back, _) = try await Self.get(client, "/api/0/issues/\(ids[1])/", token: token)
                #expect(back["status"]?.string == "unresolved")

                let (merged, mergeEcho) = try await Self.send(client, .put, "/api/0/projects/acme/web/issues/?id=\(ids[1])&id=\(ids[2])",
                                                              token: token, #"{"merge":1}"#)
                #expect(merged == .ok)
                #expect(mergeEcho["merge"]?["parent"]?.string == ids[1])
                let (_, parent, _) = try await Self.get(client, "/api/0/issues/\(ids[1])/", token: token)
                #expect(parent["count"]?.string == "4")
                let (gone, _, _) = try await Self.get(client, "/api/0/issues/\(ids[2])/", token: token)
                #expect(gone == .notFound)
                let (_, hashes, _) = try await Self.get(client, "/api/0/issues/\(ids[1])/hashes/", token: token)
                #expect((hashes.array?.count ?? 0) >= 2)

                let deleted = try await client.execute(uri: "/api/0/projects/acme/web/issues/?id=\(ids[0])", method: .delete,
                                                       headers: [.authorization: "Bearer \(token)"])
                #expect(deleted.status == .noContent)
                #expect(try seeded.db.query("SELECT count(*) AS n FROM events").first?.int("n") == 4)
                #expect(try seeded.db.query("SELECT sum(times_seen) AS n FROM issues").first?.int("n") == 4)
                let (nothing, _) = try await Self.send(client, .put, "/api/0/projects/acme/web/issues/?id=999999&query=is:resolved",
                                                       token: token, #"{"status":"unresolved"}"#)
                #expect(nothing == .noContent)
            }
        }
    }

    @Test func oneIssueWithItsEventsTagsAndTheEventShape() async throws {
        try await withTestDatabase { database in
            try await Self.seeded(database) { seeded, client in
                let token = seeded.tenant.token
                let (_, list, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/?sort=freq", token: token)
                let top = try #require(list.array?.first)
                let id = try #require(top["id"]?.string)
                let shortID = try #require(top["shortId"]?.string)
                let (status, byShortID, _) = try await Self.get(client, "/api/0/organizations/acme/issues/\(shortID)/", token: token)
                #expect(status == .ok)
                #expect(byShortID["id"]?.string == id)

                let (_, events, _) = try await Self.get(client, "/api/0/issues/\(id)/events/", token: token)
                #expect(events.array?.count == 6)
                let (_, latest, _) = try await Self.get(client, "/api/0/issues/\(id)/events/latest/", token: token)
                #expect(latest["groupID"]?.string == id)
                #expect(latest["nextEventID"] == .null)
                #expect(latest["previousEventID"]?.string != nil)
                let entries = latest["entries"]?.array ?? []
                #expect(entries.compactMap { $0["type"]?.string } == ["exception", "breadcrumbs"])
                let frame = entries.first?["data"]?["values"]?.array?.first?["stacktrace"]?["frames"]?.array?.first
                #expect(frame?["lineNo"]?.int == 10)
                #expect(frame?["inApp"]?.bool == true)
                #expect(frame?["context"]?.array?.count == 2)
                #expect(latest["tags"]?.array?.contains { $0["key"]?.string == "region" && $0["value"]?.string == "eu" } == true)
                #expect(latest["user"]?["id"]?.string != nil)

                let eventID = try #require(latest["eventID"]?.string)
                let (_, same, _) = try await Self.get(client, "/api/0/projects/acme/web/events/\(eventID)/", token: token)
                #expect(same["id"]?.string == eventID)
                let (_, oldest, _) = try await Self.get(client, "/api/0/issues/\(id)/events/oldest/", token: token)
                #expect(oldest["previousEventID"] == .null)

                let (_, tags, _) = try await Self.get(client, "/api/0/issues/\(id)/tags/", token: token)
                let region = tags.array?.first { $0["key"]?.string == "region" }
                #expect(region?["totalValues"]?.int == 6)
                let (_, values, _) = try await Self.get(client, "/api/0/issues/\(id)/tags/release/values/", token: token)
                #expect(values.array?.first?["value"]?.string == "shop@1.0")
                #expect(values.array?.first?["count"]?.int == 6)
                let (missing, _, _) = try await Self.get(client, "/api/0/issues/\(id)/tags/nothing/", token: token)
                #expect(missing == .notFound)

                let (_, trace, _) = try await Self.get(client, "/api/0/organizations/acme/events/?query=trace:abcdefabcdefabcdefabcdefabcdefab",
                                                       token: token)
                #expect(trace["data"]?.array?.compactMap { $0["title"]?.string } == ["TimeoutError: it broke"])
                let (badTrace, _, _) = try await Self.get(client, "/api/0/organizations/acme/events/?query=level:error", token: token)
                #expect(badTrace == .badRequest)
            }
        }
    }

    @Test func tokensSeeOnlyTheirOrganizationAndScopes() async throws {
        try await withTestDatabase { database in
            try await Self.seeded(database) { seeded, client in
                let other = try TestTenant.create(seeded.db, organization: "globex", project: "api")
                let (readToken, _) = try AdminStore(seeded.db).createToken(organization: "acme", scopes: ["event:read", "project:read"])
                let (_, list, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/", token: seeded.tenant.token)
                let id = try #require(list.array?.first?["id"]?.string)
                for path in ["/api/0/issues/\(id)/", "/api/0/organizations/acme/issues/\(id)/", "/api/0/projects/acme/web/issues/",
                             "/api/0/organizations/acme/", "/api/0/projects/acme/web/keys/", "/api/0/issues/\(id)/events/latest/"] {
                    let (status, _, _) = try await Self.get(client, path, token: other.token)
                    #expect(status == .notFound, "\(path)")
                }
                let (none, _, _) = try await Self.get(client, "/api/0/issues/\(id)/", token: nil)
                #expect(none == .unauthorized)
                let (forbidden, _) = try await Self.send(client, .put, "/api/0/issues/\(id)/", token: readToken, #"{"status":"resolved"}"#)
                #expect(forbidden == .forbidden)
                let (badBody, _) = try await Self.send(client, .put, "/api/0/issues/\(id)/", token: seeded.tenant.token, #"{"status":"sideways"}"#)
                #expect(badBody == .badRequest)

                let (_, projects, _) = try await Self.get(client, "/api/0/organizations/acme/projects/", token: seeded.tenant.token)
                #expect(projects.array?.compactMap { $0["slug"]?.string } == ["web"])
                let (_, keys, _) = try await Self.get(client, "/api/0/projects/acme/web/keys/", token: seeded.tenant.token)
                let key = try #require(keys.array?.first)
                #expect(key["dsn"]?["public"]?.string?.hasPrefix("http://\(seeded.tenant.key.publicKey)@faultline.test/") == true)
                let (disabled, after) = try await Self.send(client, .put, "/api/0/projects/acme/web/keys/\(seeded.tenant.key.publicKey)/",
                                                            token: seeded.tenant.token, #"{"isActive":false}"#)
                #expect(disabled == .ok)
                #expect(after["isActive"]?.bool == false)
                let (created, newKey) = try await Self.send(client, .post, "/api/0/projects/acme/web/keys/", token: seeded.tenant.token,
                                                            #"{"name":"CI"}"#)
                #expect(created == .created)
                #expect(newKey["name"]?.string == "CI")
            }
        }
    }

    @Test func aggregatesGroupAndExportCSV() async throws {
        try await withTestDatabase { database in
            try await Self.seeded(database) { seeded, client in
                let response = try await client.execute(uri: "/api/0/organizations/acme/aggregates/?groupBy=level&groupBy=tag:region&format=csv",
                                                        method: .get, headers: [.authorization: "Bearer \(seeded.tenant.token)"])
                #expect(response.status == .ok)
                let lines = String(buffer: response.body).split(separator: "\r\n").map(String.init)
                #expect(lines.first == "time,level,tag:region,events,issues,users")
                let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).dropFirst().map(String.init) }
                #expect(Set(rows.map { $0.joined(separator: ",") }) == ["error,eu,6,1,3", "error,,1,1,0", "warning,us,3,1,3"])
                let (_, json, _) = try await Self.get(client, "/api/0/organizations/acme/aggregates/?groupBy=project&statsPeriod=7d&interval=day",
                                                      token: seeded.tenant.token)
                #expect(json["data"]?.array?.first?["project"]?.string == "web")
                #expect(json["data"]?.array?.compactMap { $0["events"]?.int }.reduce(0, +) == 10)
                let (bad, _, _) = try await Self.get(client, "/api/0/organizations/acme/aggregates/?groupBy=nonsense", token: seeded.tenant.token)
                #expect(bad == .badRequest)
            }
        }
    }

    @Test func tokensAreCreatedListedAndRevokedThroughTheAPI() async throws {
        try await withTestDatabase { database in
            try await Self.seeded(database) { seeded, client in
                let admin = seeded.tenant.token
                let (created, body) = try await Self.send(client, .post, "/api/0/organizations/acme/org-auth-tokens/", token: admin,
                                                          #"{"name":"ci","scopes":["event:read","project:read"]}"#)
                #expect(created == .created)
                let token = try #require(body["token"]?.string)
                let id = try #require(body["id"]?.string)
                let (_, issues, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/", token: token)
                #expect(issues.array?.count == 3)
                let (forbidden, _) = try await Self.send(client, .put, "/api/0/projects/acme/web/issues/", token: token, #"{"status":"resolved"}"#)
                #expect(forbidden == .forbidden)
                // Only the hash is stored.
                #expect(try seeded.db.query("SELECT count(*) AS n FROM api_tokens WHERE token_hash = $1 OR token_prefix = $1", [token]).first?.int("n") == 0)
                let (_, list, _) = try await Self.get(client, "/api/0/organizations/acme/org-auth-tokens/", token: admin)
                #expect(list.array?.contains { $0["id"]?.string == id && $0["token"] == nil } == true)
                // A token cannot grant itself more than its creator holds, nor manage tokens without org:admin.
                let (escalate, _) = try await Self.send(client, .post, "/api/0/organizations/acme/org-auth-tokens/", token: token,
                                                        #"{"scopes":["event:admin"]}"#)
                #expect(escalate == .forbidden)
                let other = try TestTenant.create(seeded.db, organization: "globex", project: "api")
                let revokeOther = try await client.execute(uri: "/api/0/organizations/acme/org-auth-tokens/\(id)/", method: .delete,
                                                           headers: [.authorization: "Bearer \(other.token)"])
                #expect(revokeOther.status == .notFound)
                let revoked = try await client.execute(uri: "/api/0/organizations/acme/org-auth-tokens/\(id)/", method: .delete,
                                                       headers: [.authorization: "Bearer \(admin)"])
                #expect(revoked.status == .noContent)
                let (after, _, _) = try await Self.get(client, "/api/0/projects/acme/web/issues/", token: token)
                #expect(after == .unauthorized)
            }
        }
    }

    /// Sentry's data-scrubbing fields of project and organization details: round trip through
    /// the store (and into the processor's settings), Sentry's 400 for an invalid PII config,
    /// and the write scopes.
    @Test func dataScrubbingSettingsRoundTripWithScopes() async throws {
        try await withTestDatabase { database in
            try await Self.seeded(database) { seeded, client in
                let token = seeded.tenant.token
                let (_, before, _) = try await Self.get(client, "/api/0/projects/acme/web/", token: token)
                #expect(before["dataScrubber"] == true)
                #expect(before["dataScrubberDefaults"] == true)
                #expect(before["scrubIPAddresses"] == false)
                #expect(before["safeFields"] == [])
                #expect(before["relayPiiConfig"] == .null)

                let config = #"{"rules":{"ids":{"type":"pattern","pattern":"o-\\d+","redaction":{"method":"mask"}}},"applications":{"extra.order":["ids"]}}"#
                let body = JSON.object(["dataScrubberDefaults": false, "scrubIPAddresses": true, "sensitiveFields": ["order id", "pin"],
                                        "safeFields": ["note", "a b"], "relayPiiConfig": .string(config)]).encodedString()
                let (updated, project) = try await Self.send(client, .put, "/api/0/projects/acme/web/", token: token, body)
                #expect(updated == .ok)
                #expect(project["slug"] == "web")
                #expect(project["dataScrubberDefaults"] == false)
                #expect(project["sensitiveFields"] == ["order id", "pin"])
                #expect(project["relayPiiConfig"]?.string == config)
                let (_, reread, _) = try await Self.get(client, "/api/0/projects/acme/web/", token: token)
                #expect(reread["safeFields"] == ["note", "a b"])
                #expect(reread["scrubIPAddresses"] == true)

                // What the processor reads: the project's settings merged with its organization's.
                let (orgStatus, org) = try await Self.send(client, .put, "/api/0/organizations/acme/", token: token,
                                                           #"{"dataScrubberDefaults":true,"sensitiveFields":["ssn"]}"#)
                #expect(orgStatus == .ok)
                #expect(org["dataScrubberDefaults"] == true)
                #expect(org["dataScrubber"] == false)
                let row = try #require(try ProjectSettingsStore(seeded.db).settings(projectIDs: [seeded.tenant.project.id])[seeded.tenant.project.id])
                let settings = ProjectProcessingSettings(row).scrubbing
                #expect(settings.scrubDefaults)
                #expect(settings.scrubIPAddresses)
                #expect(settings.sensitiveFields == ["ssn", "order id", "pin"])
                #expect(settings.piiConfigs == [config])

                // Sentry's 400 names the field; nothing is stored.
                let (invalid, reason) = try await Self.send(client, .put, "/api/0/projects/acme/web/", token: token,
                                                            #"{"relayPiiConfig":"{\"rules\":{\"a\":{\"type\":\"pattern\",\"pattern\":\"(?=x)\"}}}"}"#)
                #expect(invalid == .badRequest)
                #expect(reason["relayPiiConfig"]?.array?.first?.string?.contains("look-around") == true)
                let (badSelector, _) = try await Self.send(client, .put, "/api/0/projects/acme/web/", token: token,
                                                           #"{"relayPiiConfig":"{\"applications\":{\"$strin\":[\"@ip\"]}}"}"#)
                #expect(badSelector == .badRequest)
                let (badFields, _) = try await Self.send(client, .put, "/api/0/projects/acme/web/", token: token, #"{"safeFields":"note"}"#)
                #expect(badFields == .badRequest)
                let (_, unchanged, _) = try await Self.get(client, "/api/0/projects/acme/web/", token: token)
                #expect(unchanged["relayPiiConfig"]?.string == config)
                let (cleared, empty) = try await Self.send(client, .put, "/api/0/projects/acme/web/", token: token, #"{"relayPiiConfig":""}"#)
                #expect(cleared == .ok)
                #expect(empty["relayPiiConfig"] == .null)

                // Scopes: project:write for the project, org:write for the organization; other organizations are 404.
                let (readToken, _) = try AdminStore(seeded.db).createToken(organization: "acme", scopes: ["project:read", "org:read", "project:write"])
                let (projectWrite, _) = try await Self.send(client, .put, "/api/0/projects/acme/web/", token: readToken, #"{"dataScrubber":false}"#)
                #expect(projectWrite == .ok)
                let (orgWrite, _) = try await Self.send(client, .put, "/api/0/organizations/acme/", token: readToken, #"{"dataScrubber":true}"#)
                #expect(orgWrite == .forbidden)
                let (onlyRead, _) = try AdminStore(seeded.db).createToken(organization: "acme", scopes: ["project:read"])
                let (projectForbidden, _) = try await Self.send(client, .put, "/api/0/projects/acme/web/", token: onlyRead, #"{"dataScrubber":true}"#)
                #expect(projectForbidden == .forbidden)
                let other = try TestTenant.create(seeded.db, organization: "globex", project: "api")
                let (elsewhere, _) = try await Self.send(client, .put, "/api/0/projects/acme/web/", token: other.token, #"{"dataScrubber":true}"#)
                #expect(elsewhere == .notFound)
                let (_, stillOff, _) = try await Self.get(client, "/api/0/projects/acme/web/", token: token)
                #expect(stillOff["dataScrubber"] == false)
            }
        }
    }
}
