import Alerting
import Delivery
import EventModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store
import Testing

/// Rules made through the API, events from the real sentry-sdk, notifications delivered by the
/// outbox deliverer to a real HTTP receiver (Tests/compat/alert_receiver.py) that checks the
/// integration signature, counted by idempotency key.
@Suite(.serialized) struct AlertDeliveryTests {
    struct Received: Decodable {
        let path: String
        let key: String?
        let resource: String?
        let verified: Bool?
    }

    static func received(_ log: String) -> [Received] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Received.self, from: Data($0.utf8)) }
    }

    static func waitFor(_ seconds: TimeInterval, _ done: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try done() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try done()
    }

    @Test func newIssueAndRegressionReachADownReceiverOnceEach() async throws {
        let python = try TestEnvironment.python
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let receiverPort = 7711
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("alert-receiver-\(UUID().uuidString).jsonl").path
            defer { try? FileManager.default.removeItem(atPath: log) }
            var logger = Logger(label: "outbox")
            logger.logLevel = .warning
            let deliverer = OutboxDeliverer(settings: .init(
                databaseURL: database.url, baseURL: "http://faultline.test", policy: DeliveryPolicy(base: 0.5, cap: 2, maxAttempts: 1_000),
                pollInterval: 0.05, lockRetryInterval: 0.5), logger: logger)
            deliverer.start()
            try await stack.app.test(.live) { client in
                let port = try #require(client.port)
                let token = stack.token
                func send(_ method: HTTPRequest.Method, _ path: String, _ body: String) async throws -> (HTTPResponse.Status, JSON) {
                    let response = try await client.execute(uri: path, method: method, headers: [.authorization: "Bearer \(token)"],
                                                            body: ByteBuffer(string: body))
                    return (response.status, (try? JSON.parse(Array(response.body.readableBytesView))) ?? .null)
                }
                let hook = "http://127.0.0.1:\(receiverPort)/hook"
                #expect(try await send(.put, "/api/0/projects/acme/web/plugins/webhooks/", #"{"urls": "\#(hook)\n"}"#).0 == .ok)
                let (appStatus, app) = try await send(.post, "/api/0/sentry-apps/", """
                    {"name": "Pager", "organization": "acme", "webhookUrl": "http://127.0.0.1:\(receiverPort)/app",
                     "events": ["issue"], "isInternal": true, "isAlertable": true}
                    """)
                #expect(appStatus == .created)
                let secret = try #require(app["clientSecret"]?.string)
                let installation = try #require(app["installation"]?["uuid"]?.string)
                let (created, rule) = try await send(.post, "/api/0/projects/acme/web/rules/", """
                    {"name": "New issues", "actionMatch": "all", "frequency": 30,
                     "conditions": [{"id": "\(RuleIDs.firstSeen)"}],
                     "actions": [{"id": "\(RuleIDs.notifyService)", "service": "webhooks"}]}
                    """)
                #expect(created == .created)
                #expect(rule["conditions"]?.array?.first?["id"]?.string == RuleIDs.firstSeen)
                #expect(try await send(.post, "/api/0/projects/acme/web/rules/", """
                    {"name": "Regressions", "conditions": [{"id": "\(RuleIDs.regression)"}],
                     "actions": [{"id": "\(RuleIDs.notifySentryApp)", "sentryAppInstallationUuid": "\(installation)"}]}
                    """).0 == .created)
                let (listed, rules) = try await send(.get, "/api/0/projects/acme/web/rules/", "")
                #expect(listed == .ok)
                #expect(rules.array?.count == 2)

                // 101 events of one new issue while the receiver is down.
                let sdk = try await ChildProcess.run(python, [TestEnvironment.compatScript("capture_exceptions.py"), "--times", "101", "--kinds", "1"],
                                                     environment: ["FAULTLINE_DSN": stack.dsn(port: port)])
                #expect(sdk.status == 0, "sentry-sdk failed: \(sdk.stderr)")
                let db = try database.connect()
                defer { db.close() }
                #expect(try await Self.waitFor(60) { try db.query("SELECT count(*) AS n FROM events").first?.int("n") == 101 })
                // The rule's webhook, and `issue.created` for the integration subscribed to `issue`.
                #expect(try db.query("SELECT count(*) AS n FROM alert_outbox").first?.int("n") == 2)
                // Tried and failed while the receiver is down (retried with backoff, not dead).
                #expect(try await Self.waitFor(30) { try db.query("SELECT min(attempts) AS a FROM alert_outbox").first?.int("a") ?? 0 >= 2 })
                let failing = try db.query("SELECT state, attempts, last_error FROM alert_outbox ORDER BY id").first
                print("alert delivery while down: state=\(try failing?.string("state") ?? "?") attempts=\(try failing?.int("attempts") ?? 0) error=\(try failing?.optionalString("last_error") ?? "")")
                #expect(try failing?.string("state") == "pending")

                // The receiver comes up 30 s later.
                try await Task.sleep(for: .seconds(30))
                let receiver = ChildProcess(python, [TestEnvironment.compatScript("alert_receiver.py"), "--port", String(receiverPort),
                                                     "--log", log, "--secret", secret])
                try receiver.start()
                defer { receiver.kill(SIGKILL) }
                #expect(await receiver.waitForOutput("ready"))
                #expect(try await Self.waitFor(30) { Self.received(log).count >= 2 })

                // Resolved, then seen again: the regression rule posts to the integration, signed.
                let issue = try #require(try db.query("SELECT id FROM issues").first?.int("id"))
                #expect(try await send(.put, "/api/0/projects/acme/web/issues/?id=\(issue)", #"{"status": "resolved"}"#).0 == .ok)
                let again = try await ChildProcess.run(python, [TestEnvironment.compatScript("capture_exceptions.py"), "--times", "1", "--kinds", "1"],
                                                       environment: ["FAULTLINE_DSN": stack.dsn(port: port)])
                #expect(again.status == 0)
                #expect(try await Self.waitFor(60) { Self.received(log).count >= 3 })
                try await Task.sleep(for: .seconds(2))

                let all = Self.received(log)
                #expect(all.count == 3)
                #expect(Set(all.compactMap(\.key)).count == 3)
                #expect(all.filter { $0.path == "/hook" }.count == 1)
                let signed = all.filter { $0.path == "/app" }
                #expect(signed.count == 2)
                #expect(signed.allSatisfy { $0.verified == true })
                #expect(Set(signed.compactMap(\.resource)) == ["issue", "event_alert"])
                #expect(try db.query("SELECT count(*) AS n FROM alert_outbox WHERE state = 'sent'").first?.int("n") == 3)

                let (_, notifications) = try await send(.get, "/api/0/projects/acme/web/notifications/?state=sent", "")
                #expect(notifications.array?.count == 3)
                let audit = try db.query("SELECT event FROM audit_log_entries ORDER BY id").rows.map { try $0.string("event") }
                #expect(audit == ["project.edit", "sentry-app.add", "rule.add", "rule.add"])
            }
            await deliverer.stop()
            await stack.shutdown()
        }
    }

    @Test func rulesAPIChecksScopesAndValidates() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let db = try database.connect()
            defer { db.close() }
            let reader = try AdminStore(db).createToken(organization: "acme", label: "reader", scopes: ["project:read"]).0
            let other = try AdminStore(db).createOrganization(slug: "rival")
            let foreignUUID = try #require(try IntegrationRepository(db).createSentryApp(
                organizationID: other.id, slug: "theirs", name: "theirs", webhookURL: "http://127.0.0.1:9/", events: ["issue"], clientSecret: "s")).installationUUID
            let webID = try #require(try AdminStore(db).project(organization: "acme", slug: "web")).id
            try await stack.app.test(.router) { client in
                func send(_ method: HTTPRequest.Method, _ path: String, _ body: String, token: String) async throws -> (HTTPResponse.Status, JSON) {
                    let response = try await client.execute(uri: path, method: method, headers: [.authorization: "Bearer \(token)"],
                                                            body: ByteBuffer(string: body))
                    return (response.status, (try? JSON.parse(Array(response.body.readableBytesView))) ?? .null)
                }
                let body = #"{"name": "n", "conditions": [{"id": "\#(RuleIDs.firstSeen)"}], "actions": [{"id": "\#(RuleIDs.notifyService)", "service": "webhooks"}]}"#
                #expect(try await send(.post, "/api/0/projects/acme/web/rules/", body, token: reader).0 == .forbidden)
                let (status, created) = try await send(.post, "/api/0/projects/acme/web/rules/", body, token: stack.token)
                #expect(status == .created)
                let id = try #require(created["id"]?.string)
                #expect(try await send(.get, "/api/0/projects/acme/web/rules/\(id)/", "", token: reader).0 == .ok)
                #expect(try await send(.get, "/api/0/projects/acme/nope/rules/\(id)/", "", token: reader).0 == .notFound)
                let (bad, errors) = try await send(.post, "/api/0/projects/acme/web/rules/",
                                                   #"{"name": "n", "conditions": [{"id": "x"}], "actions": []}"#, token: stack.token)
                #expect(bad == .badRequest)
                #expect(errors["conditions"] != nil)
                let (updated, rule) = try await send(.put, "/api/0/projects/acme/web/rules/\(id)/", #"{"name": "renamed", "frequency": 60}"#, token: stack.token)
                #expect(updated == .ok)
                #expect(rule["name"]?.string == "renamed")
                #expect(rule["frequency"]?.int == 60)
                #expect(rule["actions"]?.array?.count == 1)
                #expect(try await send(.delete, "/api/0/projects/acme/web/rules/\(id)/", "", token: reader).0 == .forbidden)
                #expect(try await send(.delete, "/api/0/projects/acme/web/rules/\(id)/", "", token: stack.token).0 == .accepted)
                #expect(try await send(.get, "/api/0/projects/acme/web/rules/\(id)/", "", token: stack.token).0 == .notFound)
                #expect(try await send(.put, "/api/0/projects/acme/web/plugins/webhooks/", #"{"urls": "file:///etc/passwd"}"#, token: stack.token).0 == .badRequest)
                // Another organization's integration is refused (it would get this one's events, signed with its secret).
                let stolen = #"{"name": "n", "conditions": [{"id": "\#(RuleIDs.firstSeen)"}], "actions": [{"id": "\#(RuleIDs.notifySentryApp)", "sentryAppInstallationUuid": "\#(foreignUUID)"}]}"#
                let (refused, refusal) = try await send(.post, "/api/0/projects/acme/web/rules/", stolen, token: stack.token)
                #expect(refused == .badRequest && refusal["actions"] != nil)
            }
            // Delivery looks an installation up only within the project's organization.
            #expect(try IntegrationRepository(db).sentryApp(installationUUID: foreignUUID, projectID: webID) == nil)
            await stack.shutdown()
        }
    }
}
