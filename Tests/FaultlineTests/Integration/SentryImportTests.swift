import EventModel
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Quotas
import RelayConfig
import Store
import Testing

/// `faultline admin import` between two real Faultline stacks (`faultline dev`, each with its own
/// database): the source is set up through its store and its Sentry API, the import runs as a
/// process against the target, the two APIs must then answer alike, and the real sentry-sdk sends
/// an event with the source's DSN to the target, where the API reads it back.
@Suite(.serialized) struct SentryImportTests {
    static let sourcePort = 7510
    static let targetPort = 7520

    @Test func importFromASecondFaultline() async throws {
        let executable = try TestEnvironment.executable
        let python = try TestEnvironment.python
        try await withTestDatabase { sourceDatabase in
            try await withTestDatabase { targetDatabase in
                let source = try sourceDatabase.connect()
                defer { source.close() }
                let target = try targetDatabase.connect()
                defer { target.close() }

                // The source: ids far from the target's, as another installation's would be.
                for (table, value) in [("organizations", 4_000), ("teams", 5_000), ("projects", 6_000)] {
                    try source.query("SELECT setval('\(table)_id_seq', \(value))")
                }
                let store = AdminStore(source)
                let org = try store.createOrganization(slug: "galaxy", name: "Galaxy Inc")
                let web = try store.createProject(organization: "galaxy", slug: "web", platform: "javascript")
                let api = try store.createProject(organization: "galaxy", slug: "api", platform: "python")
                let webKey = try store.createKey(organization: "galaxy", project: "web")
                let limitedKey = try store.createKey(organization: "galaxy", project: "web", label: "Limited")
                let oldKey = try store.createKey(organization: "galaxy", project: "api", label: "Old")
                try store.setKeyActive(publicKey: oldKey.publicKey, active: false)
                try RelayConfigStore(source).setRateLimit(organization: "galaxy", project: "web", publicKey: limitedKey.publicKey,
                                                          category: .error, windowSeconds: 3600, maxQuantity: 500)
                let team = try TeamRepository(source).create(organizationID: org.id, slug: "frontend", name: "Frontend")
                try TeamRepository(source).addProject(teamID: team.id, projectID: web.id)
                let owner = try TestUsers.create(source, email: "owner@galaxy.test", organization: "galaxy", role: .owner)
                try TeamRepository(source).addMember(teamID: team.id, userID: owner.id)
                try TestUsers.create(source, email: "dev@galaxy.test", organization: "galaxy", role: .member)
                let (sourceToken, _) = try store.createToken(organization: "galaxy")

                // The target already has a tenant of its own, and a project squatting on `api`'s id.
                try AdminStore(target).createOrganization(slug: "acme")
                try ImportRepository(target).insertProject(id: api.id, organizationID: try #require(try AdminStore(target).organization(slug: "acme")).id,
                                                           slug: "squatter", name: "squatter", platform: nil)

                let sourceStack = ChildProcess(executable, ["dev", "--port", String(Self.sourcePort)],
                                               environment: ["FAULTLINE_DATABASE_URL": sourceDatabase.url, "FAULTLINE_KAFKA_BROKERS": ""])
                try sourceStack.start()
                defer { sourceStack.kill(SIGKILL) }
                #expect(await sourceStack.waitForOutput("listening on"), "\(sourceStack.stderr.suffix(1000))")
                let sourceURL = "http://127.0.0.1:\(Self.sourcePort)"

                // Filters set through the source's Sentry API, as a Sentry user would.
                #expect(try await Self.call(sourceURL, "/api/0/projects/galaxy/web/filters/localhost/", sourceToken,
                                            method: "PUT", body: #"{"active": true}"#).status == 204)
                #expect(try await Self.call(sourceURL, "/api/0/projects/galaxy/web/filters/legacy-browsers/", sourceToken,
                                            method: "PUT", body: #"{"active": true}"#).status == 400)
                #expect(try await Self.call(sourceURL, "/api/0/projects/galaxy/web/", sourceToken, method: "PUT",
                                            body: #"{"options": {"filters:error_messages": "*ResizeObserver*\nTypeError: x*", "filters:releases": "0.*"}}"#).status == 200)

                // Dry run: says what it would do, writes nothing.
                let environment = ["FAULTLINE_DATABASE_URL": targetDatabase.url]
                let dry = try await ChildProcess.run(executable, ["admin", "import", "--from", sourceURL, "--token", sourceToken, "--dry-run"],
                                                     environment: environment)
                #expect(dry.stdout.contains("would create organization galaxy (id \(org.id))"), "\(dry.stdout)\n\(dry.stderr)")
                #expect(try AdminStore(target).organization(slug: "galaxy") == nil)

                let first = try await ChildProcess.run(executable, ["admin", "import", "--from", sourceURL + "/", "--token", sourceToken],
                                                       environment: environment)
                #expect(first.status == 2, "a refused project makes the exit status 2: \(first.stdout)\n\(first.stderr)")
                #expect(first.stdout.contains("created organization galaxy (id \(org.id))"), "\(first.stdout)")
                #expect(first.stdout.contains("created project galaxy/web (id \(web.id)) with its inbound filters"))
                #expect(first.stdout.contains("refused project galaxy/api (id \(api.id)): its id \(api.id) is taken by another project"))
                #expect(first.stdout.contains("created key \(limitedKey.publicKey) of galaxy/web (at most 500 errors per 3600 s)"))
                #expect(first.stdout.contains("created team galaxy/frontend (id \(team.id))"))
                #expect(first.stdout.contains("created invitation of owner@galaxy.test (owner) to galaxy"))
                #expect(first.stdout.contains("not carried over: galaxy: issues, events"))
                #expect(first.stdout.contains("invitation token for dev@galaxy.test (member): "))

                // A rerun creates nothing: what is there is skipped, the squatter still refused.
                let second = try await ChildProcess.run(executable, ["admin", "import", "--from", sourceURL, "--token", sourceToken, "--org", "galaxy"],
                                                        environment: environment)
                #expect(second.stdout.contains("0 created"), "\(second.stdout)\n\(second.stderr)")
                #expect(second.stdout.contains("skipped (already imported) organization galaxy (id \(org.id))"))
                #expect(second.stdout.contains("skipped (already imported) key \(webKey.publicKey) of galaxy/web"))
                #expect(try target.query("SELECT count(*) AS n FROM project_keys").first?.int("n") == 2)

                // Sequences moved past the imported ids.
                let later = try AdminStore(target).createOrganization(slug: "later")
                #expect(later.id > org.id)
                let pending = try InvitationRepository(target).pending(organizationID: org.id)
                #expect(Set(pending.map(\.email)) == ["owner@galaxy.test", "dev@galaxy.test"])
                #expect(pending.first { $0.email == "owner@galaxy.test" }?.teamSlugs == ["frontend"])

                // The target's API answers as the source's did.
                let targetStack = ChildProcess(executable, ["dev", "--port", String(Self.targetPort)],
                                               environment: ["FAULTLINE_DATABASE_URL": targetDatabase.url, "FAULTLINE_KAFKA_BROKERS": ""])
                try targetStack.start()
                defer { targetStack.kill(SIGKILL) }
                #expect(await targetStack.waitForOutput("listening on"), "\(targetStack.stderr.suffix(1000))")
                let targetURL = "http://127.0.0.1:\(Self.targetPort)"
                let (targetToken, _) = try AdminStore(target).createToken(organization: "galaxy")
                for path in ["/api/0/organizations/galaxy/", "/api/0/projects/galaxy/web/", "/api/0/projects/galaxy/web/keys/",
                             "/api/0/projects/galaxy/web/filters/", "/api/0/organizations/galaxy/teams/"] {
                    let before = try await Self.call(sourceURL, path, sourceToken)
                    let after = try await Self.call(targetURL, path, targetToken)
                    #expect(before.status == 200 && after.status == 200, "\(path)")
                    #expect(Self.comparable(before.json, port: Self.sourcePort) == Self.comparable(after.json, port: Self.targetPort),
                            "\(path) differs:\n\(before.json.encodedString())\n\(after.json.encodedString())")
                }
                let keys = try await Self.call(targetURL, "/api/0/projects/galaxy/web/keys/", targetToken).json.array ?? []
                let limited = keys.first { $0["public"]?.string == limitedKey.publicKey }
                #expect(limited?["secret"]?.string == limitedKey.secretKey && limitedKey.secretKey?.count == 32)
                #expect(limited?["rateLimit"]?["window"]?.int == 3600 && limited?["rateLimit"]?["count"]?.int == 500)
                let projects = try await Self.call(targetURL, "/api/0/organizations/galaxy/projects/", targetToken).json.array ?? []
                #expect(projects.map { $0["id"]?.string } == [String(web.id)])

                // The real SDK with the source's secret DSN, only the host changed (DNS pointed here).
                let sourceDSN = try #require(keys.first { $0["public"]?.string == webKey.publicKey }?["dsn"]?["secret"]?.string)
                #expect(sourceDSN.contains("\(webKey.publicKey):\(try #require(webKey.secretKey))@"))
                let sdk = try await ChildProcess.run(python, [TestEnvironment.compatScript("capture_exceptions.py"), "--times", "1", "--kinds", "1"],
                                                     environment: ["FAULTLINE_DSN": sourceDSN])
                #expect(sdk.status == 0, "sentry-sdk failed: \(sdk.stderr)")
                let eventID = sdk.stdout.split(separator: "\n").first.map(String.init) ?? ""
                #expect(eventID.count == 32)
                var found = false
                let deadline = Date().addingTimeInterval(60)
                while !found && Date() < deadline {
                    let event = try await Self.call(targetURL, "/api/0/projects/galaxy/web/events/\(eventID)/", targetToken)
                    found = event.status == 200 && event.json["eventID"]?.string == eventID
                    if !found { try await Task.sleep(for: .milliseconds(250)) }
                }
                #expect(found, "the event sent with the imported DSN was not readable on the target")
                sourceStack.kill(SIGTERM)
                targetStack.kill(SIGTERM)
                _ = await sourceStack.wait(timeout: 30)
                _ = await targetStack.wait(timeout: 30)
            }
        }
    }

    /// The answer without what differs between two installations by nature: creation times, the
    /// address in DSNs, and the caller's own membership.
    static func comparable(_ json: JSON, port: Int) -> JSON {
        switch json {
        case .object(let members):
            var kept: [String: JSON] = [:]
            for (key, value) in members where !["dateCreated", "isMember", "memberCount"].contains(key) {
                kept[key] = comparable(value, port: port)
            }
            return .object(kept)
        case .array(let items): return .array(items.map { comparable($0, port: port) })
        case .string(let text): return .string(text.replacingOccurrences(of: "127.0.0.1:\(port)", with: "HOST"))
        default: return json
        }
    }

    static func call(_ base: String, _ path: String, _ token: String, method: String = "GET",
                     body: String? = nil) async throws -> (status: Int, json: JSON) {
        var request = URLRequest(url: try #require(URL(string: base + path)))
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSON.parse(Array(data))) ?? .null)
    }
}
