import EventModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Query
import Store
import Testing
import Web
@testable import Processor

/// The `_meta` normalization records, stored with the event in PostgreSQL and read through the
/// events API in Sentry's layout (`entries` by index → `{"data": …}`, `user`, `context`, `tags`, …).
@Suite struct EventMetaAPITests {
    @Test func normalizationMetaReadsThroughTheEventsAPI() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let tenant = try TestTenant.create(db)
            let type = String(repeating: "T", count: 300)
            let payload = #"""
            {"platform":"python","level":"warn","release":"latest","logger":"\#(String(repeating: "l", count: 80))",
             "exception":{"values":[{"type":"","value":""},{"type":"\#(type)","value":"v"}]},
             "breadcrumbs":[{"message":"a","level":"warn"}],"message":"hello",
             "_meta":{"user":{"id":{"":{"rem":[["sdk","x"]],"val":"no"}}}},"user":{"id":"7"}}
            """#
            let message = IngestMessage(metadata: .init(type: "event", eventID: EventID.generate(), projectID: tenant.project.id, keyID: 1,
                                                        received: Date().timeIntervalSince1970, clientIP: nil, sdk: nil, sentAt: nil),
                                        payload: Array(payload.utf8))
            let event = try EventPipeline.process(message)
            _ = try db.transaction { try EventWriter($0).write([event]) }

            // Stored: the whole tree, with what the API has no place for.
            let row = try #require(try db.query("SELECT payload::text AS p FROM events").first)
            let stored = try JSON.parse(try row.string("p"))
            #expect(stored["_meta"]?["level"] == ["": ["err": [["invalid_data", ["reason": "invalid level"]]], "val": "warn"]])
            #expect(stored["_meta"]?["release"] == ["": ["err": ["invalid_data"], "val": "latest"]])
            #expect(stored["_meta"]?["logger"] == ["": ["rem": [["!limit", "s", 61, 64]], "len": 80]])

            let issue = try #require(try db.query("SELECT issue_id FROM events").first).int("issue_id")
            let pool = PGPool(url: database.url, size: 2)
            let router = Router(context: FaultlineRequestContext.self)
            APIRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            try await Application(router: router).test(.live) { client in
                do {
                    let response = try await client.execute(uri: "/api/0/projects/acme/web/events/\(event.eventID)/", method: .get,
                                                            headers: [.authorization: "Bearer \(tenant.token)"])
                    #expect(response.status == .ok)
                    let body = try JSON.parse(Array(response.body.readableBytesView))
                    let entries = body["entries"]?.array ?? []
                    let exception = try #require(entries.firstIndex { $0["type"] == "exception" })
                    let crumbs = try #require(entries.firstIndex { $0["type"] == "breadcrumbs" })
                    let meta = body["_meta"]
                    #expect(meta?["entries"]?[String(exception)]?["data"] == ["values": [
                        "0": ["": ["err": [["missing_attribute", ["attribute": "type or value"]]],
                                   "val": ["mechanism": nil, "module": nil, "raw_stacktrace": nil, "stacktrace": nil,
                                           "thread_id": nil, "type": "", "value": ""]]],
                        "1": ["type": ["": ["rem": [["!limit", "s", 253, 256]], "len": 300]]],
                    ]])
                    #expect(meta?["entries"]?[String(crumbs)]?["data"]
                        == ["values": ["0": ["level": ["": ["err": [["invalid_data", ["reason": "invalid level"]]], "val": "warn"]]]]])
                    // The SDK's own remark, without its original value.
                    #expect(meta?["user"] == ["id": ["": ["rem": [["sdk", "x"]]]]])
                    #expect(meta?["context"] == .null && meta?["tags"] == .null && meta?["message"] == .null)
                }
                let latest = try await client.execute(uri: "/api/0/issues/\(issue)/events/latest/", method: .get,
                                                      headers: [.authorization: "Bearer \(tenant.token)"])
                let latestMeta = try JSON.parse(Array(latest.body.readableBytesView))["_meta"]
                #expect(latestMeta?["user"] == ["id": ["": ["rem": [["sdk", "x"]]]]])
            }
            await pool.shutdown()
        }
    }
}
