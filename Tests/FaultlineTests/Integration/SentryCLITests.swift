import EventModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Testing

/// The Query API driven by the real sentry-cli from PyPI, against the whole in-process stack.
@Suite(.serialized) struct SentryCLITests {
    @Test func sentryCLIReadsAndTriagesIssues() async throws {
        let python = try TestEnvironment.python
        let binary = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("sentry-cli").path
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let url = database.url
            try await stack.app.test(.live) { client in
                let db = try PGConnection(url: url)
                let port = try #require(client.port)
                let environment = ["SENTRY_URL": "http://127.0.0.1:\(port)", "SENTRY_AUTH_TOKEN": stack.token,
                                   "SENTRY_ORG": "acme", "SENTRY_PROJECT": "web", "SENTRY_DSN": stack.dsn(port: port),
                                   "SENTRY_HTTP_MAX_RETRIES": "0"]
                func cli(_ arguments: String...) async throws -> (status: Int32?, stdout: String, stderr: String) {
                    let run = try await ChildProcess.run(binary, arguments, environment: environment)
                    #expect(run.status == 0, "sentry-cli \(arguments.joined(separator: " ")): \(run.stderr)")
                    return run
                }

                let info = try await cli("info")
                #expect(info.stdout.contains("Default Organization: acme"))
                #expect(info.stdout.contains("event:read"))
                let projects = try await cli("projects", "list")
                #expect(projects.stdout.contains("web"))

                // send-event, then the event read back through the API.
                let sent = try await cli("send-event", "-m", "checkout failed for order", "--release", "shop@3.1", "-t", "region:eu")
                let eventID = try #require(sent.stdout.split(separator: "\n").first { $0.contains("Event id:") }?
                    .split(separator: " ").last.map(String.init))
                var event: JSON = .null
                let deadline = Date().addingTimeInterval(20)
                while Date() < deadline {
                    let response = try await client.execute(uri: "/api/0/projects/acme/web/events/\(eventID)/", method: .get,
                                                            headers: [.authorization: "Bearer \(stack.token)"])
                    if response.status == .ok {
                        event = try JSON.parse(Array(response.body.readableBytesView))
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(event["message"]?.string == "checkout failed for order")
                #expect(event["release"]?["version"]?.string == "shop@3.1")
                #expect(event["tags"]?.array?.contains { $0["key"] == "region" && $0["value"] == "eu" } == true)
                let issueID = try #require(event["groupID"]?.string)

                let list = try await cli("issues", "list")
                #expect(list.stdout.contains("checkout failed for order"))
                #expect(list.stdout.contains("WEB-1"))
                func status() throws -> String {
                    try db.query("SELECT status FROM issues WHERE id = $1", [Int64(issueID)!]).first!.string("status")
                }
                _ = try await cli("issues", "resolve", "-i", issueID)
                #expect(try status() == "resolved")
                let resolvedList = try await cli("issues", "list", "--query", "is:resolved")
                #expect(resolvedList.stdout.contains("resolved"))
                _ = try await cli("issues", "unresolve", "-i", issueID)
                #expect(try status() == "unresolved")
                _ = try await cli("issues", "mute", "-i", issueID)
                #expect(try status() == "ignored")
                _ = try await cli("issues", "unresolve", "--status", "muted")
                #expect(try status() == "unresolved")
                _ = try await cli("issues", "resolve", "--all")
                #expect(try status() == "resolved")
                let activity = try db.query("SELECT type FROM issue_activities WHERE issue_id = $1 ORDER BY id", [Int64(issueID)!])
                #expect(try activity.rows.map { try $0.string("type") }
                        == ["set_resolved", "set_unresolved", "set_ignored", "set_unresolved", "set_resolved"])

                // A bad query is a 400 whose detail sentry-cli prints.
                let bad = try await ChildProcess.run(binary, ["issues", "list", "--query", "is:sideways"], environment: environment)
                #expect(bad.status != 0)
                #expect(bad.stderr.contains("400"))
            }
            await stack.shutdown()
        }
    }
}
