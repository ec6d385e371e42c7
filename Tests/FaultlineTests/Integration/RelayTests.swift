import CompressNIO
import CZstd
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Postgres
import Quotas
import RelayConfig
import Store
import Testing

/// The relay's protocol paths, each status code with its test, against a real broker (mock
/// cluster) and a real PostgreSQL.
@Suite(.serialized) struct RelayTests {
    static let event = "{}\n{\"type\":\"event\"}\n{\"message\":\"hi\"}\n"

    struct Reply {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String
    }

    func post(_ client: some TestClientProtocol, _ path: String, auth: String?, body: ByteBuffer,
              headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let auth { headers[.init("X-Sentry-Auth")!] = auth }
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: body)
        return Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    func auth(_ stack: InProcessStack) -> String { "Sentry sentry_key=\(stack.dsnKey.publicKey), sentry_version=7, sentry_client=test/1" }

    @Test func routesCORSAndReadiness() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            try await stack.app.test(.live) { client in
                let preflight = try await client.execute(uri: "/api/\(stack.projectID)/envelope/", method: .options,
                                                         headers: [.init("Origin")!: "https://app.example", .init("Access-Control-Request-Method")!: "POST"])
                #expect(preflight.status == .ok)
                #expect(preflight.headers[.init("Access-Control-Allow-Origin")!] == "*")
                #expect(preflight.headers[.init("Access-Control-Allow-Methods")!] == "POST")
                #expect(preflight.headers[.init("Access-Control-Allow-Headers")!]?.contains("x-sentry-auth") == true)

                let envelope = try await post(client, "/api/\(stack.projectID)/envelope/", auth: auth(stack), body: ByteBuffer(string: Self.event))
                #expect(envelope.status == .ok)
                #expect(envelope.headers[.init("Access-Control-Allow-Origin")!] == "*")
                #expect(envelope.headers[.init("Access-Control-Expose-Headers")!]?.contains("x-sentry-rate-limits") == true)

                // Legacy store without a project id: the key names the project.
                let store = try await post(client, "/api/store/", auth: auth(stack), body: ByteBuffer(string: "{\"message\":\"legacy\"}"))
                #expect(store.status == .ok)
                #expect(store.body.contains("\"id\""))

                let envelopeViaStore = try await post(client, "/api/\(stack.projectID)/store/", auth: auth(stack),
                                                      body: ByteBuffer(string: Self.event),
                                                      headers: [.contentType: "application/x-sentry-envelope"])
                #expect(envelopeViaStore.status == .ok)

                let query = try await post(client, "/api/\(stack.projectID)/envelope/?sentry_key=\(stack.dsnKey.publicKey)&sentry_version=7",
                                           auth: nil, body: ByteBuffer(string: Self.event))
                #expect(query.status == .ok)

                let security = try await post(client, "/api/\(stack.projectID)/security/?sentry_key=\(stack.dsnKey.publicKey)",
                                              auth: nil, body: ByteBuffer(string: #"{"csp-report":{"document-uri":"https://a.example/","blocked-uri":"https://evil.example/x.js","effective-directive":"script-src"}}"#),
                                              headers: [.contentType: "application/csp-report"])
                #expect(security.status == .ok)
                #expect(security.body.isEmpty)

                let dump = "--b\r\nContent-Disposition: form-data; name=\"upload_file_minidump\"; filename=\"c.dmp\"\r\n\r\nMDMPxxxx\r\n--b--\r\n"
                let minidump = try await post(client, "/api/\(stack.projectID)/minidump/?sentry_key=\(stack.dsnKey.publicKey)",
                                              auth: nil, body: ByteBuffer(string: dump),
                                              headers: [.contentType: "multipart/form-data; boundary=b"])
                #expect(minidump.status == .ok)
                #expect(minidump.body.count == 36 && minidump.body.split(separator: "-").count == 5)

                let ready = try await client.execute(uri: "/readyz", method: .get)
                #expect(ready.status == .ok)
            }
            let events = try TopicReader.read("ingest-events", bootstrap: stack.broker.bootstrapServers, until: { $0.count >= 6 })
            #expect(events.count == 6)
            #expect(events.contains { String(decoding: $0.value, as: UTF8.self).contains("Blocked 'script' from 'evil.example'") })
            let attachments = try TopicReader.read("ingest-attachments", bootstrap: stack.broker.bootstrapServers, until: { $0.count >= 1 })
            #expect(attachments.count == 1)
            await stack.shutdown()
        }
    }

    @Test func errorPathsAnswerWithSentrysStatusAndDetail() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            try await stack.app.test(.live) { client in
                let path = "/api/\(stack.projectID)/envelope/"
                let empty = try await post(client, path, auth: auth(stack), body: ByteBuffer())
                #expect(empty.status == .badRequest)
                #expect(empty.body.contains("empty request body"))

                let badPath = try await post(client, "/api/notanumber/envelope/", auth: auth(stack), body: ByteBuffer(string: Self.event))
                #expect(badPath.status == .badRequest)

                let malformed = try await post(client, path, auth: auth(stack), body: ByteBuffer(string: "{}\n{\"type\":\"event\",\"length\":99}\n{}"))
                #expect(malformed.status == .badRequest)
                #expect(malformed.body.contains("declares length 99"))

                let notJSON = try await post(client, "/api/\(stack.projectID)/store/", auth: auth(stack), body: ByteBuffer(string: "not json"))
                #expect(notJSON.status == .badRequest)
                #expect(notJSON.body.contains("invalid JSON data"))

                let big = "{}\n{\"type\":\"event\"}\n{\"message\":\"\(String(repeating: "x", count: 1_100_000))\"}\n"
                let tooLarge = try await post(client, path, auth: auth(stack), body: ByteBuffer(string: big))
                #expect(tooLarge.status == .contentTooLarge)
                #expect(tooLarge.body.contains("envelope exceeded size limits for type 'event'"))

                var zeros = ByteBuffer(repeating: UInt8(ascii: " "), count: 300 * 1024 * 1024)
                let bomb = try zeros.compress(with: .gzip())
                let bombReply = try await post(client, path, auth: auth(stack), body: bomb, headers: [.contentEncoding: "gzip"])
                #expect(bombReply.status == .contentTooLarge)

                let corrupt = try await post(client, path, auth: auth(stack), body: ByteBuffer(string: "nope"), headers: [.contentEncoding: "gzip"])
                #expect(corrupt.status == .badRequest)

                let conflicting = try await post(client, "\(path)?sentry_key=00000000000000000000000000000000", auth: auth(stack),
                                                 body: ByteBuffer(string: Self.event))
                #expect(conflicting.status == .unauthorized)
                #expect(conflicting.body.contains("multiple authorization payloads detected"))

                let unknown = try await post(client, path, auth: "Sentry sentry_key=00000000000000000000000000000000, sentry_version=7",
                                             body: ByteBuffer(string: Self.event))
                #expect(unknown.status == .forbidden)
                #expect(unknown.body.contains("event submission rejected with_reason: ProjectId"))
            }
            await stack.shutdown()
        }
    }

    @Test func everyCompressionSentryAccepts() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            try await stack.app.test(.live) { client in
                let path = "/api/\(stack.projectID)/envelope/"
                var plain = ByteBuffer(string: Self.event)
                let gzip = try plain.compress(with: .gzip())
                plain = ByteBuffer(string: Self.event)
                let deflate = try plain.compress(with: .zlib())
                let zstd = ByteBuffer(bytes: ZstdFixture.compress(Array(Self.event.utf8)))
                for (encoding, body) in [("gzip", gzip), ("x-gzip", gzip), ("deflate", deflate), ("zstd", zstd),
                                         ("", ByteBuffer(string: Self.event)), ("utf-8", ByteBuffer(string: Self.event)),
                                         ("bogus", ByteBuffer(string: Self.event))] {
                    let reply = try await post(client, path, auth: auth(stack), body: body, headers: [.contentEncoding: encoding])
                    #expect(reply.status == .ok, "Content-Encoding \(encoding): \(reply.body)")
                }
            }
            await stack.shutdown()
        }
    }

    @Test func rateLimitsAnswer429AndNamePartiallyLimitedCategories() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let db = try database.connect()
            defer { db.close() }
            try RelayConfigStore(db).setRateLimit(organization: "acme", project: "web", publicKey: nil, category: .error,
                                                  windowSeconds: 3600, maxQuantity: 2)
            try await stack.app.test(.live) { client in
                let path = "/api/\(stack.projectID)/envelope/"
                var statuses: [HTTPResponse.Status] = []
                var last: Reply?
                for _ in 0..<4 {
                    let reply = try await post(client, path, auth: auth(stack), body: ByteBuffer(string: Self.event))
                    statuses.append(reply.status)
                    last = reply
                }
                #expect(statuses == [.ok, .ok, .tooManyRequests, .tooManyRequests])
                let retryAfter = Int(last?.headers[.retryAfter] ?? "") ?? 0
                #expect(retryAfter > 0 && retryAfter <= 3600)
                let header = last?.headers[.init("X-Sentry-Rate-Limits")!] ?? ""
                #expect(header.hasSuffix(":error:project:quota_exceeded"), "\(header)")

                // An envelope with an error and a session: the session goes through, 200 names the limit.
                let mixed = "{}\n{\"type\":\"event\"}\n{\"message\":\"m\"}\n{\"type\":\"session\"}\n{\"sid\":\"s\",\"status\":\"ok\"}\n"
                let partial = try await post(client, path, auth: auth(stack), body: ByteBuffer(string: mixed))
                #expect(partial.status == .ok)
                #expect(partial.headers[.init("X-Sentry-Rate-Limits")!]?.contains(":error:project:") == true)
            }
            // Outcomes have no key, so they spread over partitions: read until every expected one
            // arrived (stopping at the rate-limited ones alone raced the other partitions).
            let outcomes = try TopicReader.outcomes(bootstrap: stack.broker.bootstrapServers) { records in
                records.filter { $0["outcome"] as? Int == 2 }.count >= 3
                    && records.filter { $0["outcome"] as? Int == 0 && $0["category"] as? Int == 1 }.count >= 2
                    && records.filter { $0["outcome"] as? Int == 0 && $0["category"] as? Int == 5 }.count >= 1
            }
            #expect(outcomes.filter { $0["outcome"] as? Int == 0 && $0["category"] as? Int == 1 }.count == 2)
            #expect(outcomes.filter { $0["outcome"] as? Int == 2 && $0["category"] as? Int == 1 }.count == 3)
            #expect(outcomes.filter { $0["outcome"] as? Int == 0 && $0["category"] as? Int == 5 }.count == 1)
            #expect(outcomes.allSatisfy { $0["project_id"] as? Int64 == stack.projectID || $0["project_id"] as? Int == Int(stack.projectID) })
            await stack.shutdown()
        }
    }

    @Test func filtersDropWithOutcomeAndDisabledKeysStopWithinTenSeconds() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let db = try database.connect()
            defer { db.close() }
            try RelayConfigStore(db).setFilters(organization: "acme", project: "web",
                                                filters: InboundFilters(errorMessages: ["*ignored*"], localhost: true))
            try await stack.app.test(.live) { client in
                let path = "/api/\(stack.projectID)/envelope/"
                let filtered = try await post(client, path, auth: auth(stack),
                                              body: ByteBuffer(string: "{}\n{\"type\":\"event\"}\n{\"message\":\"please ignored me\"}\n"))
                #expect(filtered.status == .ok)
                let local = try await post(client, path, auth: auth(stack),
                                           body: ByteBuffer(string: "{}\n{\"type\":\"event\"}\n{\"message\":\"x\",\"request\":{\"url\":\"http://localhost:8000/\"}}\n"))
                #expect(local.status == .ok)

                let admin = try database.connect()
                defer { admin.close() }
                try AdminStore(admin).setKeyActive(publicKey: stack.dsnKey.publicKey, active: false)
                let disabledAt = Date()
                var status = HTTPResponse.Status.ok
                while status == .ok && Date().timeIntervalSince(disabledAt) < 30 {
                    status = try await post(client, path, auth: auth(stack), body: ByteBuffer(string: Self.event)).status
                    if status == .ok { try await Task.sleep(for: .milliseconds(200)) }
                }
                #expect(status == .forbidden)
                // The cache keeps a config 5 s, then one lookup; the bound leaves room for a
                // loaded machine (a debug build beside other builds took 11 s once).
                #expect(Date().timeIntervalSince(disabledAt) < 20)
            }
            let outcomes = try TopicReader.outcomes(bootstrap: stack.broker.bootstrapServers) { records in
                records.filter { $0["outcome"] as? Int == 1 }.count >= 2
            }
            let reasons = outcomes.filter { $0["outcome"] as? Int == 1 }.compactMap { $0["reason"] as? String }.sorted()
            #expect(reasons == ["error-message", "localhost"])
            await stack.shutdown()
        }
    }

    @Test func aKeyHeldByItsOwnLimitDoesNotDrainItsProject() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let db = try database.connect()
            defer { db.close() }
            let other = try AdminStore(db).createKey(organization: "acme", project: "web", label: "other")
            let limits = RelayConfigStore(db)
            try limits.setRateLimit(organization: "acme", project: "web", publicKey: nil, category: .error, windowSeconds: 3600, maxQuantity: 5)
            try limits.setRateLimit(organization: "acme", project: "web", publicKey: stack.dsnKey.publicKey, category: .error,
                                    windowSeconds: 3600, maxQuantity: 1)
            try await stack.app.test(.live) { client in
                let path = "/api/\(stack.projectID)/envelope/"
                var noisy: [HTTPResponse.Status] = []
                for _ in 0..<6 { noisy.append(try await post(client, path, auth: auth(stack), body: ByteBuffer(string: Self.event)).status) }
                #expect(noisy == [.ok] + Array(repeating: .tooManyRequests, count: 5))
                var quiet: [HTTPResponse.Status] = []
                for _ in 0..<5 {
                    quiet.append(try await post(client, path, auth: "Sentry sentry_key=\(other.publicKey), sentry_version=7",
                                                body: ByteBuffer(string: Self.event)).status)
                }
                #expect(quiet == [.ok, .ok, .ok, .ok, .tooManyRequests])
            }
            await stack.shutdown()
        }
    }
}
