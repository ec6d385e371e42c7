import Foundation
import Hummingbird
import HummingbirdTesting
import Kafka
import Quotas
import RelayConfig
import Store
import Testing

/// The relay driven by the real sentry-sdk and sentry-cli from PyPI.
@Suite(.serialized) struct ConformanceTests {
    @Test func sentrySDKSendsEveryItemKindWithEveryCompression() async throws {
        let python = try TestEnvironment.python
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let ids = try await stack.app.test(.live) { client -> [String] in
                var ids: [String] = []
                let port = try #require(client.port)
                for compression in ["gzip", "br", "none"] {
                    let run = try await ChildProcess.run(python, [TestEnvironment.compatScript("sdk_conformance.py"), "--mode", "items",
                                                                  "--compression", compression],
                                                         environment: ["FAULTLINE_DSN": stack.dsn(port: port)])
                    #expect(run.status == 0, "\(compression): \(run.stderr.split(separator: "\n").filter { !$0.contains("DEBUG") }.joined(separator: "\n"))")
                    ids += run.stdout.split(separator: "\n").map(String.init)
                }
                return ids
            }
            #expect(ids.count == 9)
            let bootstrap = stack.broker.bootstrapServers
            let events = try TopicReader.read("ingest-events", bootstrap: bootstrap, until: { $0.count >= 9 })
            let eventText = events.map { String(decoding: $0.value, as: UTF8.self) }
            for id in ids { #expect(eventText.contains { $0.contains("\"event_id\":\"\(id)\"") }, "event \(id) missing") }
            #expect(eventText.contains { $0.contains("conformance message") })
            #expect(try TopicReader.read("ingest-attachments", bootstrap: bootstrap, until: { $0.count >= 3 }).count == 3)
            #expect(try TopicReader.read("ingest-transactions", bootstrap: bootstrap, until: { $0.count >= 3 }).count == 3)
            #expect(try TopicReader.read("ingest-sessions", bootstrap: bootstrap, until: { $0.count >= 3 }).count >= 3)
            await stack.shutdown()
        }
    }

    @Test func sentrySDKBacksOffWhenRateLimited() async throws {
        let python = try TestEnvironment.python
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let db = try database.connect()
            defer { db.close() }
            try RelayConfigStore(db).setRateLimit(organization: "acme", project: "web", publicKey: nil, category: .error,
                                                  windowSeconds: 3600, maxQuantity: 3)
            try await stack.app.test(.live) { client in
                let port = try #require(client.port)
                let run = try await ChildProcess.run(python, [TestEnvironment.compatScript("sdk_conformance.py"), "--mode", "ratelimit",
                                                              "--count", "20"],
                                                     environment: ["FAULTLINE_DSN": stack.dsn(port: port)])
                #expect(run.status == 0, "\(run.stderr.suffix(1000))")
            }
            // Every one of the 20 errors ends as exactly one outcome: accepted, rate limited at the
            // relay, or dropped by the SDK itself (its client report).
            let outcomes = try TopicReader.outcomes(bootstrap: stack.broker.bootstrapServers) { records in
                records.filter { $0["category"] as? Int == DataCategory.error.id }.compactMap { $0["quantity"] as? Int }.reduce(0, +) >= 20
            }
            let errors = outcomes.filter { $0["category"] as? Int == DataCategory.error.id }
            let accepted = errors.filter { $0["outcome"] as? Int == 0 }.count
            let limited = errors.filter { $0["outcome"] as? Int == 2 }.count
            let backoff = errors.filter { $0["outcome"] as? Int == 5 && $0["reason"] as? String == "ratelimit_backoff" }
                .compactMap { $0["quantity"] as? Int }.reduce(0, +)
            print("rate limit with sentry-sdk: 20 errors → \(accepted) accepted, \(limited) refused with 429, \(backoff) dropped by the SDK (ratelimit_backoff)")
            #expect(accepted == 3)
            // After the first 429 the SDK stops sending errors and reports them as dropped.
            #expect(limited >= 1 && limited <= 2, "rate limited \(limited)")
            #expect(accepted + limited + backoff == 20, "accepted \(accepted), limited \(limited), backed off \(backoff)")
            await stack.shutdown()
        }
    }

    @Test func sentryCLISendsEventsAndEnvelopes() async throws {
        let python = try TestEnvironment.python
        let cli = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("sentry-cli").path
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let envelopeID = "5ad7f6ea4c3d4c1f8d8ad3b8d2e2c2a1"
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-\(UUID().uuidString).envelope")
            try Data("{\"event_id\":\"\(envelopeID)\"}\n{\"type\":\"event\"}\n{\"message\":\"from an envelope file\",\"level\":\"info\"}\n".utf8)
                .write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            try await stack.app.test(.live) { client in
                let port = try #require(client.port)
                let environment = ["SENTRY_DSN": stack.dsn(port: port), "SENTRY_LOG_LEVEL": "info"]
                let event = try await ChildProcess.run(cli, ["send-event", "-m", "hello from sentry-cli", "--release", "cli@1"],
                                                       environment: environment)
                #expect(event.status == 0, "\(event.stderr)")
                let envelope = try await ChildProcess.run(cli, ["send-envelope", file.path], environment: environment)
                #expect(envelope.status == 0, "\(envelope.stderr)")
            }
            let events = try TopicReader.read("ingest-events", bootstrap: stack.broker.bootstrapServers, until: { $0.count >= 2 })
            let text = events.map { String(decoding: $0.value, as: UTF8.self) }
            #expect(text.contains { $0.contains("hello from sentry-cli") })
            #expect(text.contains { $0.contains(envelopeID) && $0.contains("from an envelope file") })
            await stack.shutdown()
        }
    }
}
