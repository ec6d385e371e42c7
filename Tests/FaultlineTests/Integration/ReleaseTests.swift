import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing

/// Releases and deploys through the API, driven by the real sentry-cli and checked in the tables.
@Suite(.serialized) struct ReleaseTests {
    @Test func sentryCLIManagesReleasesAndDeploys() async throws {
        let python = try TestEnvironment.python
        let cliPath = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("sentry-cli").path
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let db = try database.connect()
            defer { db.close() }
            try await stack.app.test(.live) { client in
                let db = try database.connect()
                defer { db.close() }
                let port = try #require(client.port)
                let environment = ["SENTRY_URL": "http://127.0.0.1:\(port)", "SENTRY_AUTH_TOKEN": stack.token,
                                   "SENTRY_ORG": "acme", "SENTRY_PROJECT": "web", "SENTRY_HTTP_MAX_RETRIES": "0"]
                func cli(_ arguments: String...) async throws -> (status: Int32?, out: String) {
                    let run = try await ChildProcess.run(cliPath, arguments, environment: environment)
                    return (run.status, run.stdout + run.stderr)
                }
                let version = "web@1.0.0+build.7"

                let created = try await cli("releases", "new", version)
                #expect(created.status == 0, "\(created.out)")
                #expect(created.out.contains("Created release \(version)"))
                let again = try await cli("releases", "new", version) // 208: already there
                #expect(again.status == 0, "\(again.out)")
                #expect(try db.query("SELECT count(*) AS n FROM releases").first!.int("n") == 1)

                let unreleased = try await cli("releases", "list")
                #expect(unreleased.status == 0, "\(unreleased.out)")
                #expect(unreleased.out.contains(version))
                #expect(unreleased.out.contains("(unreleased)"))

                let info = try await cli("releases", "info", version)
                #expect(info.status == 0, "\(info.out)")
                #expect(info.out.contains(version))
                #expect(try await cli("releases", "info", "web@9.9.9").status == 1)

                let finalized = try await cli("releases", "finalize", version)
                #expect(finalized.status == 0, "\(finalized.out)")
                #expect(finalized.out.contains("Finalized release \(version)"))
                let released = try await cli("releases", "list")
                #expect(released.out.contains(version) && !released.out.contains("(unreleased)"), "\(released.out)")

                let noDeploys = try await cli("releases", "deploys", version, "list")
                #expect(noDeploys.out.contains("No deploys found"), "\(noDeploys.out)")
                let deploy = try await cli("releases", "deploys", version, "new", "-e", "production", "-n", "blue", "-t", "60")
                #expect(deploy.status == 0, "\(deploy.out)")
                #expect(deploy.out.contains("Created new deploy blue for 'production'"))
                let unnamed = try await cli("releases", "deploys", version, "new", "-e", "staging")
                #expect(unnamed.out.contains("Created new deploy unnamed for 'staging'"), "\(unnamed.out)")
                let deploys = try await cli("releases", "deploys", version, "list")
                #expect(deploys.status == 0, "\(deploys.out)")
                #expect(deploys.out.contains("production") && deploys.out.contains("blue") && deploys.out.contains("staging"))
                let missing = try await cli("releases", "deploys", "web@9.9.9", "list")
                #expect(missing.status != 0)
                #expect(missing.out.contains("Release not found"), "\(missing.out)")

                let release = try #require(try db.query("""
                    SELECT r.id, r.date_released, r.status, (SELECT count(*) FROM release_projects rp WHERE rp.release_id = r.id
                        AND rp.project_id = $2) AS projects
                    FROM releases r WHERE r.version = $1
                    """, [version, stack.projectID]).first)
                #expect(try release.optionalDate("date_released") != nil)
                #expect(try release.string("status") == "open")
                #expect(try release.int("projects") == 1)
                let rows = try db.query("""
                    SELECT environment, name, extract(epoch FROM date_finished - date_started)::int AS took
                    FROM deploys WHERE release_id = $1 ORDER BY id
                    """, [try release.int("id")]).rows
                #expect(try rows.map { try $0.string("environment") } == ["production", "staging"])
                #expect(try rows.first?.optionalString("name") == "blue")
                #expect(try rows.first?.int("took") == 60)

                let deleted = try await cli("releases", "delete", version)
                #expect(deleted.status == 0, "\(deleted.out)")
                #expect(try db.query("SELECT count(*) AS n FROM releases").first!.int("n") == 0)
                #expect(try db.query("SELECT count(*) AS n FROM deploys").first!.int("n") == 0)
            }
            await stack.shutdown()
        }
    }

    @Test func releasesCountEventsAndNewIssuesAndStayInTheirOrganization() async throws {
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let db = try database.connect()
            defer { db.close() }
            let admin = AdminStore(db)
            _ = try admin.createOrganization(slug: "other")
            _ = try admin.createProject(organization: "other", slug: "api")
            let (otherToken, _) = try admin.createToken(organization: "other")
            let (readOnly, _) = try admin.createToken(organization: "acme", scopes: ["project:read"])
            let (eventsOnly, _) = try admin.createToken(organization: "acme", scopes: ["event:read"])

            try await stack.app.test(.live) { client in
                let db = try database.connect()
                defer { db.close() }
                func call(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, token: String? = nil)
                    async throws -> (status: HTTPResponse.Status, json: Any?, headers: HTTPFields) {
                    let response = try await client.execute(uri: path, method: method,
                                                            headers: [.authorization: "Bearer \(token ?? stack.token)"],
                                                            body: body.map { ByteBuffer(string: $0) })
                    let data = Data(buffer: response.body)
                    return (response.status, data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data), response.headers)
                }
                // Two events of release 2.0 (one issue), sent through the relay; the processor creates the release.
                let auth: HTTPFields = [.init("X-Sentry-Auth")!: "Sentry sentry_key=\(stack.dsnKey.publicKey), sentry_version=7"]
                for _ in 0..<2 {
                    let event = "{}\n{\"type\":\"event\"}\n{\"message\":\"crash\",\"release\":\"2.0\"}\n"
                    _ = try await client.execute(uri: "/api/\(stack.projectID)/envelope/", method: .post, headers: auth,
                                                 body: ByteBuffer(string: event))
                }
                let deadline = Date().addingTimeInterval(30)
                while try db.query("SELECT coalesce(sum(event_count), 0) AS n FROM release_projects").first!.int("n") < 2 && Date() < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }

                let detail = try await call(.get, "/api/0/organizations/acme/releases/2.0/")
                #expect(detail.status == .ok)
                let release = try #require(detail.json as? [String: Any])
                #expect(release["id"] is Int)
                #expect(release["version"] as? String == "2.0")
                #expect(release["shortVersion"] as? String == "2.0")
                #expect(release["newGroups"] as? Int == 1)
                #expect(release["firstEvent"] is String && release["lastEvent"] is String)
                #expect(release["dateReleased"] is NSNull)
                #expect(release["commitCount"] as? Int == 0 && release["deployCount"] as? Int == 0 && release["lastDeploy"] is NSNull)
                #expect((release["authors"] as? [Any])?.isEmpty == true)
                #expect((release["versionInfo"] as? [String: Any])?["description"] as? String == "2.0")
                let projects = try #require(release["projects"] as? [[String: Any]])
                #expect(projects.count == 1)
                #expect(projects.first?["slug"] as? String == "web" && projects.first?["newGroups"] as? Int == 1)
                #expect(projects.first?["id"] as? Int == Int(stack.projectID))
                #expect(projects.first?["platforms"] as? [String] == ["python"])

                // Creating what exists answers 208; adding a project to it 201.
                let existing = try await call(.post, "/api/0/organizations/acme/releases/", #"{"version":"2.0","projects":["web"]}"#)
                #expect(existing.status.code == 208)
                let bad = try await call(.post, "/api/0/organizations/acme/releases/", #"{"version":"3.0","projects":["nope"]}"#)
                #expect(bad.status == .badRequest)
                #expect((bad.json as? [String: [String]]) == ["projects": ["Invalid project ids or slugs"]])
                for version in ["3.0", "3.1", "4.0-beta"] {
                    let made = try await call(.post, "/api/0/organizations/acme/releases/", #"{"version":"\#(version)","projects":[\#(stack.projectID)]}"#)
                    #expect(made.status == .created)
                }

                // Search, pages, status.
                let search = try await call(.get, "/api/0/organizations/acme/releases/?query=3.")
                #expect((search.json as? [[String: Any]])?.compactMap { $0["version"] as? String } == ["3.1", "3.0"])
                let first = try await call(.get, "/api/0/organizations/acme/releases/?per_page=2&cursor=")
                #expect((first.json as? [[String: Any]])?.count == 2)
                #expect(first.headers[.link]?.contains(#"rel="next"; results="true"; cursor="0:2:0""#) == true)
                #expect(first.headers[.link]?.contains("/api/0/organizations/acme/releases/?per_page=2&cursor=0:2:0") == true)
                let second = try await call(.get, "/api/0/organizations/acme/releases/?per_page=2&cursor=0:2:0")
                #expect((second.json as? [[String: Any]])?.count == 2)
                #expect(second.headers[.link]?.contains(#"rel="next"; results="false""#) == true)
                let byProject = try await call(.get, "/api/0/organizations/acme/releases/?project=\(stack.projectID)")
                #expect((byProject.json as? [Any])?.count == 4)
                let projectScoped = try await call(.get, "/api/0/projects/acme/web/releases/")
                #expect((projectScoped.json as? [Any])?.count == 4)
                let archived = try await call(.post, "/api/0/organizations/acme/releases/", #"{"version":"3.0","projects":[],"status":"archived"}"#)
                #expect(archived.status.code == 208)
                #expect((archived.json as? [String: Any])?["status"] as? String == "archived")
                let open = try await call(.get, "/api/0/organizations/acme/releases/")
                #expect((open.json as? [[String: Any]])?.compactMap { $0["version"] as? String }.contains("3.0") == false)

                // Deploys answer with dateFinished always set; lastDeploy and deployCount follow.
                let deploy = try await call(.post, "/api/0/organizations/acme/releases/3.1/deploys/", #"{"environment":"production"}"#)
                #expect(deploy.status == .created)
                #expect((deploy.json as? [String: Any])?["dateFinished"] is String)
                #expect((deploy.json as? [String: Any])?["id"] is String)
                let withDeploy = try await call(.get, "/api/0/organizations/acme/releases/3.1/")
                #expect((withDeploy.json as? [String: Any])?["deployCount"] as? Int == 1)
                #expect(((withDeploy.json as? [String: Any])?["lastDeploy"] as? [String: Any])?["environment"] as? String == "production")
                let noEnvironment = try await call(.post, "/api/0/organizations/acme/releases/3.1/deploys/", "{}")
                #expect((noEnvironment.json as? [String: [String]]) == ["environment": ["This field is required."]])

                // Finalize with PUT; a release an issue was first seen in cannot be deleted.
                let put = try await call(.put, "/api/0/organizations/acme/releases/3.1/", #"{"dateReleased":"2026-01-01T00:00:00.123456789Z","ref":"abc"}"#)
                #expect(put.status == .ok)
                #expect((put.json as? [String: Any])?["dateReleased"] as? String == "2026-01-01T00:00:00.123Z")
                #expect((put.json as? [String: Any])?["ref"] as? String == "abc")
                let refused = try await call(.delete, "/api/0/organizations/acme/releases/2.0/")
                #expect(refused.status == .badRequest)
                #expect(try await call(.delete, "/api/0/organizations/acme/releases/4.0-beta/").status == .noContent)

                // Scopes and organizations.
                #expect(try await call(.get, "/api/0/organizations/acme/releases/", token: readOnly).status == .ok)
                #expect(try await call(.post, "/api/0/organizations/acme/releases/", #"{"version":"5","projects":[]}"#, token: readOnly).status == .forbidden)
                #expect(try await call(.get, "/api/0/organizations/acme/releases/", token: eventsOnly).status == .forbidden)
                #expect(try await call(.get, "/api/0/organizations/acme/releases/2.0/", token: otherToken).status == .notFound)
                #expect(try await call(.get, "/api/0/organizations/other/releases/2.0/", token: otherToken).status == .notFound)
                #expect(try await call(.post, "/api/0/organizations/other/releases/2.0/deploys/", #"{"environment":"x"}"#, token: otherToken).status == .notFound)
                #expect((try await call(.get, "/api/0/organizations/other/releases/", token: otherToken).json as? [Any])?.isEmpty == true)
                #expect(try await call(.get, "/api/0/organizations/acme/releases/?project=999999").status == .forbidden)
            }
            await stack.shutdown()
        }
    }
}
