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
import EventModel

/// Users, sessions and the dashboard's account pages against real PostgreSQL (docs/PEOPLE.md),
/// and the `faultline admin` people commands as a process.
@Suite struct PeopleTests {
    static func withDashboard(baseURL: String = "http://faultline.test", lifetime: SessionLifetime = .standard,
                              _ body: @Sendable (PGConnection, any TestClientProtocol) async throws -> Void) async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            _ = try TestTenant.create(db)
            let pool = PGPool(url: database.url, size: 2)
            let router = Router(context: FaultlineRequestContext.self)
            DashboardRoutes(pool: pool, baseURL: baseURL, lifetime: lifetime).add(to: router)
            let shared = SharedConnection(db: db)
            try await Application(router: router).test(.router) { client in try await body(shared.db, client) }
            await pool.shutdown()
        }
    }

    static func sessions(_ db: PGConnection, _ user: User) throws -> Int64 { try SessionRepository(db).count(userID: user.id) }

    @Test func sessionsAreStoredHashedRotatedAtSignInAndRevokedAtSignOut() async throws {
        try await Self.withDashboard { db, client in
            let owner = try TestUsers.create(db, email: "owner@acme.test")
            var browser = DashboardBrowser(client)
            // Sign-in needs the pre-session cookie's CSRF token: a form posted without it is refused.
            let bare = try await browser.post("/ui/login", [("email", "owner@acme.test"), ("password", TestUsers.password)])
            #expect(bare.status == .forbidden)
            try await browser.signIn("owner@acme.test", TestUsers.password)
            let first = try #require(browser.cookies["faultline_session"])
            #expect(first.count == 64)
            let stored = try db.query("SELECT id_hash FROM user_sessions").rows.map { try $0.string("id_hash") }
            #expect(stored == [Secrets.hash(token: first)])
            #expect(try db.query("SELECT password_hash FROM users").first?.string("password_hash").hasPrefix("$2") == true)

            // Signing in again from the same browser replaces its session.
            try await browser.signIn("owner@acme.test", TestUsers.password)
            let second = try #require(browser.cookies["faultline_session"])
            #expect(second != first)
            #expect(try Self.sessions(db, owner) == 1)
            var replay = DashboardBrowser(client)
            replay.cookies["faultline_session"] = first
            #expect(try await replay.get("/ui/").status == .seeOther)

            #expect(try await browser.get("/ui/").status == .ok)
            let out = try await browser.post("/ui/logout", [])
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/ui/login")
            #expect(try Self.sessions(db, owner) == 0)
            replay.cookies["faultline_session"] = second
            #expect(try await replay.get("/ui/").status == .seeOther)
            #expect(browser.cookies["faultline_session"] == nil)
        }
    }

    @Test func passwordChangeEndsEveryOtherSession() async throws {
        try await Self.withDashboard { db, client in
            let owner = try TestUsers.create(db, email: "owner@acme.test")
            var laptop = DashboardBrowser(client)
            var phone = DashboardBrowser(client)
            try await laptop.signIn("owner@acme.test", TestUsers.password)
            try await phone.signIn("owner@acme.test", TestUsers.password)
            #expect(try Self.sessions(db, owner) == 2)
            _ = try await laptop.get("/ui/account")
            let wrong = try await laptop.post("/ui/account/password", [("current", "nope nope"), ("new", "a new password"),
                                                                       ("confirm", "a new password")])
            #expect(wrong.status == .badRequest)
            let short = try await laptop.post("/ui/account/password", [("current", TestUsers.password), ("new", "short"),
                                                                       ("confirm", "short")])
            #expect(short.status == .badRequest)
            let changed = try await laptop.post("/ui/account/password", [("current", TestUsers.password), ("new", "a new password"),
                                                                         ("confirm", "a new password")])
            #expect(changed.status == .seeOther)
            #expect(try Self.sessions(db, owner) == 1)
            #expect(try await laptop.get("/ui/").status == .ok)
            #expect(try await phone.get("/ui/").status == .seeOther)
            var other = DashboardBrowser(client)
            #expect(try await other.signIn("owner@acme.test", TestUsers.password).status == .unauthorized)
            #expect(try await other.signIn("owner@acme.test", "a new password").status == .seeOther)
        }
    }

    @Test func aResetLinkWorksOnceAndSignsOutEverywhere() async throws {
        try await Self.withDashboard { db, client in
            let owner = try TestUsers.create(db, email: "owner@acme.test")
            var old = DashboardBrowser(client)
            try await old.signIn("owner@acme.test", TestUsers.password)
            let token = try SessionRepository(db).createReset(userID: owner.id)
            var browser = DashboardBrowser(client)
            #expect(try await browser.get("/ui/reset/not-a-token").status == .notFound)
            #expect(try await browser.get("/ui/reset/\(token)").status == .ok)
            let differ = try await browser.post("/ui/reset/\(token)", [("new", "brand new pass"), ("confirm", "brand new pasS")])
            #expect(differ.status == .badRequest)
            let set = try await browser.post("/ui/reset/\(token)", [("new", "brand new pass"), ("confirm", "brand new pass")])
            #expect(set.status == .seeOther)
            #expect(set.headers[.location] == "/ui/login?reset=1")
            #expect(try Self.sessions(db, owner) == 0)
            #expect(try await old.get("/ui/").status == .seeOther)
            #expect(try await browser.get("/ui/reset/\(token)").status == .notFound)
            let again = try await browser.post("/ui/reset/\(token)", [("new", "another pass 2"), ("confirm", "another pass 2")])
            #expect(again.status == .notFound)
            #expect(try await browser.signIn("owner@acme.test", "brand new pass").status == .seeOther)
            // An expired link is refused.
            let expired = try SessionRepository(db).createReset(userID: owner.id, validFor: -1)
            #expect(try await browser.get("/ui/reset/\(expired)").status == .notFound)
        }
    }

    @Test func wrongPasswordsAreLimitedPerAccount() async throws {
        try await Self.withDashboard { db, client in
            try TestUsers.create(db, email: "owner@acme.test")
            try TestUsers.create(db, email: "other@acme.test")
            var browser = DashboardBrowser(client)
            for _ in 0..<5 {
                #expect(try await browser.signIn("owner@acme.test", "guess guess").status == .unauthorized)
            }
            // The right password is refused too while the account is blocked; another account is not.
            let blocked = try await browser.signIn("Owner@acme.test", TestUsers.password)
            #expect(blocked.status == .tooManyRequests)
            #expect(browser.cookies["faultline_session"] == nil)
            #expect(try await browser.signIn("other@acme.test", TestUsers.password).status == .seeOther)
            // An unknown address is answered as a wrong password (no account enumeration).
            var stranger = DashboardBrowser(client)
            let unknown = try await stranger.signIn("nobody@acme.test", TestUsers.password)
            #expect(unknown.status == .unauthorized)
            #expect(String(buffer: unknown.body).contains("The email or password is wrong."))
        }
    }

    @Test func theRoleDecidesAndARemovedMemberLosesAccessAtOnce() async throws {
        try await Self.withDashboard { db, client in
            let member = try TestUsers.create(db, email: "member@acme.test", role: .member)
            let outsider = try TestUsers.create(db, email: "outsider@acme.test", organization: nil)
            var browser = DashboardBrowser(client)
            try await browser.signIn("member@acme.test", TestUsers.password)
            #expect(try await browser.get("/ui/acme/web/").status == .ok)
            let org = try #require(try AdminStore(db).organization(slug: "acme"))
            _ = try TeamRepository(db).create(organizationID: org.id, slug: "backend")
            let page = try await browser.get("/ui/acme/members")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("member@acme.test") && html.contains("Member") && html.contains("#backend"))
            try UserRepository(db).removeMembership(userID: member.id, organizationID: org.id)
            #expect(try await browser.get("/ui/acme/web/").status != .ok)
            let home = try await browser.get("/ui/")
            #expect(String(buffer: home.body).contains("not a member of any organization"))
            var lonely = DashboardBrowser(client)
            try await lonely.signIn(outsider.email, TestUsers.password)
            #expect(try await lonely.get("/ui/acme/web/").status != .ok)
            // A deactivated user's session ends.
            try UserRepository(db).setMembership(userID: member.id, organizationID: org.id, role: .member)
            #expect(try await browser.get("/ui/acme/web/").status == .ok)
            try db.query("UPDATE users SET is_active = false WHERE id = $1", [member.id])
            #expect(try await browser.get("/ui/acme/web/").status == .seeOther)
        }
    }

    @Test func cookiesAreSecureBehindHTTPSAndSessionsExpire() async throws {
        try await Self.withDashboard(baseURL: "https://faultline.test") { db, client in
            let owner = try TestUsers.create(db, email: "owner@acme.test")
            var browser = DashboardBrowser(client)
            let login = try await browser.signIn("owner@acme.test", TestUsers.password)
            let cookie = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("faultline_session=") })
            #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Max-Age=\(Int(SessionLifetime.standard.absolute))"))
            // Idle past the limit: the session is refused and deleted.
            let secret = try #require(browser.cookies["faultline_session"])
            try db.query("UPDATE user_sessions SET last_seen_at = now() - interval '2 days'")
            #expect(try await browser.get("/ui/").status == .seeOther)
            #expect(try Self.sessions(db, owner) == 0)
            // Past its absolute expiry, however recently used.
            let fresh = try SessionRepository(db).create(userID: owner.id)
            try db.query("UPDATE user_sessions SET expires_at = now() - interval '1 second'")
            #expect(try SessionRepository(db).user(session: fresh) == nil)
            #expect(try SessionRepository(db).user(session: secret) == nil)
            #expect(try SessionRepository(db).deleteExpired() == 0)
            // The hourly job deletes what nobody presents again.
            _ = try SessionRepository(db).create(userID: owner.id)
            _ = try SessionRepository(db).create(userID: owner.id, now: Date().addingTimeInterval(-20 * 86_400))
            _ = try SessionRepository(db).createReset(userID: owner.id, now: Date().addingTimeInterval(-3 * 86_400))
            _ = try SessionRepository(db).createReset(userID: owner.id)
            #expect(try PeriodicJob.sessions().run(db) == "deleted 1 sessions, 1 reset links")
            #expect(try Self.sessions(db, owner) == 1)
        }
    }

    @Test func personalTokensFollowTheMembershipAndMembersAreListedInSentrysShape() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let owner = try TestUsers.create(db, email: "owner@acme.test")
            let member = try TestUsers.create(db, email: "member@acme.test", role: .member)
            let (personal, _) = try AdminStore(db).createToken(organization: "acme", label: "mine", userEmail: "member@acme.test")
            let org = try #require(try AdminStore(db).organization(slug: "acme"))
            let pool = PGPool(url: database.url, size: 2)
            let router = Router(context: FaultlineRequestContext.self)
            APIRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            let shared = SharedConnection(db: db)
            try await Application(router: router).test(.router) { client in
                let db = shared.db
                func get(_ path: String, _ token: String) async throws -> TestResponse {
                    try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(token)"])
                }
                let list = try await get("/api/0/organizations/acme/members/", personal)
                #expect(list.status == .ok)
                let members = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: list.body).utf8)) as? [[String: Any]])
                #expect(members.map { $0["email"] as? String } == ["member@acme.test", "owner@acme.test"])
                #expect(members.map { $0["orgRole"] as? String } == ["member", "owner"])
                #expect(members.map { $0["roleName"] as? String } == ["Member", "Owner"])
                #expect((members[1]["user"] as? [String: Any])?["id"] as? String == String(owner.id))
                #expect(members[0]["pending"] as? Bool == false)
                let memberID = try #require(members[0]["id"] as? String)
                #expect(try await get("/api/0/organizations/acme/members/\(memberID)/", tenant.token).status == .ok)
                #expect(try await get("/api/0/organizations/acme/members/99999999999999999999/", tenant.token).status == .notFound)
                let me = try await get("/api/0/organizations/acme/members/me/", personal)
                #expect(String(buffer: me.body).contains("\"id\":\"\(memberID)\""))
                let user = try await get("/api/0/users/me/", personal)
                #expect(user.status == .ok && String(buffer: user.body).contains("\"email\":\"member@acme.test\""))
                // An organization token names no user.
                #expect(try await get("/api/0/users/me/", tenant.token).status == .notFound)

                // The token was created with every scope; it holds only the member role's.
                let index = String(buffer: try await get("/api/0/", personal).body)
                #expect(index.contains("event:write") && !index.contains("project:write") && !index.contains("org:admin"))
                let keyPath = "/api/0/projects/acme/web/keys/\(tenant.key.publicKey)/"
                let update: HTTPFields = [.authorization: "Bearer \(personal)", .contentType: "application/json"]
                let refused = try await client.execute(uri: keyPath, method: .put, headers: update, body: ByteBuffer(string: #"{"isActive":true}"#))
                #expect(refused.status == .forbidden)
                try UserRepository(db).setMembership(userID: member.id, organizationID: org.id, role: .admin)
                let allowed = try await client.execute(uri: keyPath, method: .put, headers: update, body: ByteBuffer(string: #"{"isActive":true}"#))
                #expect(allowed.status == .ok)
                // Token and key changes through the API are in the audit log, with the caller.
                let (ownerToken, _) = try AdminStore(db).createToken(organization: "acme", label: "owner's", userEmail: "owner@acme.test")
                let created = try await client.execute(uri: "/api/0/organizations/acme/org-auth-tokens/", method: .post,
                                                       headers: [.authorization: "Bearer \(ownerToken)", .contentType: "application/json"],
                                                       body: ByteBuffer(string: #"{"name":"ci","scopes":["project:read"]}"#))
                #expect(created.status == .created)
                #expect(try await get("/api/0/organizations/acme/audit-logs/", personal).status == .forbidden)
                let log = try await get("/api/0/organizations/acme/audit-logs/", ownerToken)
                #expect(log.status == .ok)
                let audit = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: log.body).utf8)) as? [String: Any])
                let rows = try #require(audit["rows"] as? [[String: Any]])
                #expect(rows.map { $0["event"] as? String } == ["orgauthtoken.create", "projectkey.edit"])
                #expect((rows[0]["actor"] as? [String: Any])?["email"] as? String == "owner@acme.test")
                #expect((rows[1]["actor"] as? [String: Any])?["email"] as? String == "member@acme.test")
                #expect((rows[1]["data"] as? [String: Any])?["public_key"] as? String == tenant.key.publicKey)
                #expect((audit["options"] as? [String])?.contains("member.remove") == true)
                let filtered = String(buffer: try await get("/api/0/organizations/acme/audit-logs/?event=projectkey.edit", ownerToken).body)
                #expect(filtered.contains(#""event":"projectkey.edit""#) && !filtered.contains(#""event":"orgauthtoken.create""#))

                // Removed from the organization: the token stops at once.
                try UserRepository(db).removeMembership(userID: member.id, organizationID: org.id)
                #expect(try await get("/api/0/organizations/acme/members/", personal).status == .unauthorized)
                #expect(try await get("/api/0/organizations/acme/members/", tenant.token).status == .ok)
            }
            await pool.shutdown()
        }
    }

    @Test func issuesAreAssignedToMembersByIDOrEmail() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let member = try TestUsers.create(db, email: "member@acme.test", role: .member)
            let (personal, _) = try AdminStore(db).createToken(organization: "acme", label: "mine", userEmail: "member@acme.test")
            let payload: JSON = ["platform": "python", "exception": ["values": [["type": "AssignError", "value": "x"]]]]
            let message = IngestMessage(metadata: .init(type: "event", eventID: EventID.generate(), projectID: tenant.project.id,
                                                        keyID: 1, received: Date().timeIntervalSince1970, clientIP: nil, sdk: nil, sentAt: nil),
                                        payload: payload.encoded())
            _ = try db.transaction { try EventWriter($0).write([try EventPipeline.process(message)]) }
            let issueID = try db.query("SELECT id FROM issues").first!.int("id")
            let pool = PGPool(url: database.url, size: 2)
            let router = Router(context: FaultlineRequestContext.self)
            APIRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            let shared = SharedConnection(db: db)
            try await Application(router: router).test(.router) { client in
                let db = shared.db
                func put(_ body: String) async throws -> TestResponse {
                    try await client.execute(uri: "/api/0/issues/\(issueID)/", method: .put,
                                             headers: [.authorization: "Bearer \(tenant.token)", .contentType: "application/json"],
                                             body: ByteBuffer(string: body))
                }
                let byID = try await put(#"{"assignedTo":"\#(member.id)"}"#)
                #expect(byID.status == .ok)
                #expect(String(buffer: byID.body).contains(#""id":"\#(member.id)""#))
                #expect(try db.query("SELECT assigned_to FROM issues").first?.optionalString("assigned_to") == "member@acme.test")
                let mine = try await client.execute(uri: "/api/0/projects/acme/web/issues/?query=assigned:me", method: .get,
                                                    headers: [.authorization: "Bearer \(personal)"])
                #expect(String(buffer: mine.body).contains("AssignError"))
                #expect(try await put(#"{"assignedTo":"user:MEMBER@acme.test"}"#).status == .ok)
                #expect(try await put(#"{"assignedTo":"424242"}"#).status == .badRequest)
                #expect(try await put(#"{"assignedTo":"team:backend"}"#).status == .badRequest)
                let org = try #require(try AdminStore(db).organization(slug: "acme"))
                _ = try TeamRepository(db).create(organizationID: org.id, slug: "backend")
                let team = try await put(#"{"assignedTo":"team:Backend"}"#)
                #expect(team.status == .ok)
                #expect(String(buffer: team.body).contains(#""type":"team""#))
                #expect(try db.query("SELECT assigned_to FROM issues").first?.optionalString("assigned_to") == "team:backend")
                let byTeam = try await client.execute(uri: "/api/0/projects/acme/web/issues/?query=assigned:%23backend", method: .get,
                                                      headers: [.authorization: "Bearer \(personal)"])
                #expect(String(buffer: byTeam.body).contains("AssignError"))
                let otherTeam = try await client.execute(uri: "/api/0/projects/acme/web/issues/?query=assigned:%23frontend", method: .get,
                                                         headers: [.authorization: "Bearer \(personal)"])
                #expect(!String(buffer: otherTeam.body).contains("AssignError"))
                #expect(try await put(#"{"assignedTo":null}"#).status == .ok)
                #expect(try db.query("SELECT assigned_to FROM issues").first?.optionalString("assigned_to") == nil)
                let activities = try db.query("SELECT type FROM issue_activities WHERE type IN ('assigned', 'unassigned') ORDER BY id")
                    .rows.map { try $0.string("type") }
                #expect(activities == ["assigned", "assigned", "assigned", "unassigned"])
            }
            await pool.shutdown()
        }
    }

    @Test func teamsOwnProjectsAndAreListedInSentrysShape() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            _ = try AdminStore(db).createProject(organization: "acme", slug: "api")
            let member = try TestUsers.create(db, email: "member@acme.test", role: .member)
            let outsider = try TestUsers.create(db, email: "outsider@acme.test", organization: nil)
            let (personal, _) = try AdminStore(db).createToken(organization: "acme", label: "mine", userEmail: "member@acme.test")
            let org = try #require(try AdminStore(db).organization(slug: "acme"))
            let teams = TeamRepository(db)
            let backend = try teams.create(organizationID: org.id, slug: "backend", name: "Backend")
            _ = try teams.create(organizationID: org.id, slug: "web-team")
            #expect(throws: StoreError.self) { try teams.create(organizationID: org.id, slug: "backend") }
            #expect(throws: StoreError.self) { try teams.create(organizationID: org.id, slug: "Bad Slug") }
            try teams.addMember(teamID: backend.id, userID: member.id)
            #expect(throws: StoreError.self) { try teams.addMember(teamID: backend.id, userID: outsider.id) }
            try teams.addProject(teamID: backend.id, projectID: tenant.project.id)
            let pool = PGPool(url: database.url, size: 2)
            let router = Router(context: FaultlineRequestContext.self)
            APIRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            let shared = SharedConnection(db: db)
            try await Application(router: router).test(.router) { client in
                let db = shared.db
                func get(_ path: String, _ token: String) async throws -> [[String: Any]] {
                    let response = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(token)"])
                    #expect(response.status == .ok, "\(path)")
                    return (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [[String: Any]]) ?? []
                }
                let list = try await get("/api/0/organizations/acme/teams/", personal)
                #expect(list.map { $0["slug"] as? String } == ["backend", "web-team"])
                #expect(list.map { $0["isMember"] as? Bool } == [true, false])
                #expect(list.map { $0["memberCount"] as? Int } == [1, 0])
                #expect(((list[0]["projects"] as? [[String: Any]]) ?? []).map { $0["slug"] as? String } == ["web"])
                let owners = try await get("/api/0/projects/acme/web/teams/", tenant.token)
                #expect(owners.map { $0["slug"] as? String } == ["backend"])
                #expect(try await get("/api/0/projects/acme/api/teams/", tenant.token).isEmpty)
                // Leaving the organization leaves its teams.
                try UserRepository(db).removeMembership(userID: member.id, organizationID: org.id)
                #expect(try TeamRepository(db).teams(organizationID: org.id).first?.memberCount == 0)
            }
            await pool.shutdown()
        }
    }

    @Test func adminCreatesUsersPrintsResetLinksAndBootstrapsTheOwner() async throws {
        let executable = try TestEnvironment.executable
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let environment = ["FAULTLINE_DATABASE_URL": database.url, "FAULTLINE_PUBLIC_URL": "http://faultline.test:9000"]
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("people-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let envFile = directory.appendingPathComponent("dev.env").path

            let boot = try await ChildProcess.run(executable, ["admin", "bootstrap", "--env-file", envFile], environment: environment)
            #expect(boot.status == 0, "\(boot.stderr)")
            let env = try String(contentsOfFile: envFile, encoding: .utf8)
            let values = Dictionary(env.split(separator: "\n").compactMap { line -> (String, String)? in
                let parts = line.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }, uniquingKeysWith: { first, _ in first })
            let email = try #require(values["FAULTLINE_LOGIN_EMAIL"])
            let password = try #require(values["FAULTLINE_LOGIN_PASSWORD"])
            #expect(PasswordPolicy.problem(password) == nil)
            let (owner, hash) = try #require(try UserRepository(db).credentials(email: email))
            #expect(Passwords.verify(password, hash: hash))
            #expect(try UserRepository(db).memberships(userID: owner.id).map(\.role) == [.owner])
            // A second run keeps the file and creates nobody.
            let again = try await ChildProcess.run(executable, ["admin", "bootstrap", "--env-file", envFile], environment: environment)
            #expect(again.status == 0 && again.stdout.contains("keeping"))
            #expect(try db.query("SELECT count(*) AS n FROM users").first?.int("n") == 1)

            let created = try await ChildProcess.run(executable, ["admin", "create-user", "dev@acme.test", "--org", "acme",
                                                                  "--role", "member"], environment: environment)
            #expect(created.status == 0, "\(created.stderr)")
            let generated = try #require(created.stdout.split(separator: "\n").first { $0.hasPrefix("password: ") }?.dropFirst(10))
            let dev = try #require(try UserRepository(db).credentials(email: "dev@acme.test"))
            #expect(Passwords.verify(String(generated), hash: dev.1))
            #expect(try UserRepository(db).memberships(userID: dev.0.id).map(\.role) == [.member])
            let duplicate = try await ChildProcess.run(executable, ["admin", "create-user", "DEV@acme.test", "--password", "long enough"],
                                                       environment: environment)
            #expect(duplicate.status != 0)
            let badRole = try await ChildProcess.run(executable, ["admin", "create-user", "x@acme.test", "--role", "god"],
                                                     environment: environment)
            #expect(badRole.status != 0)

            for arguments in [["set-role", "acme", "dev@acme.test", "admin"], ["remove-member", "acme", "dev@acme.test"],
                              ["create-token", "acme", "--label", "ci"]] {
                let run = try await ChildProcess.run(executable, ["admin"] + arguments, environment: environment)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
            }
            let org = try #require(try AdminStore(db).organization(slug: "acme"))
            let audit = try AuditLogRepository(db).entries(organizationID: org.id)
            // Newest first: bootstrap's owner, then dev's membership changes and the token.
            #expect(audit.map(\.event) == ["orgauthtoken.create", "member.remove", "member.edit", "member.add", "member.add"])
            #expect(audit.allSatisfy { $0.actorLabel == "faultline admin" && $0.actorUserID == nil })
            #expect(audit[2].data["role"]?.string == "admin" && audit[2].targetUserID == dev.0.id)
            #expect(try UserRepository(db).memberships(userID: dev.0.id).isEmpty)
            for arguments in [["create-team", "acme", "ops"], ["set-role", "acme", "dev@acme.test", "member"],
                              ["add-to-team", "acme", "ops", "--member", "dev@acme.test"], ["add-to-team", "acme", "ops", "--project", "web"]] {
                let run = try await ChildProcess.run(executable, ["admin"] + arguments, environment: environment)
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
            }
            let ops = try #require(try TeamRepository(db).team(organizationID: org.id, slug: "ops"))
            #expect(ops.memberCount == 1 && ops.projectIDs.count == 1)
            let both = try await ChildProcess.run(executable, ["admin", "add-to-team", "acme", "ops"], environment: environment)
            #expect(both.status != 0)

            let reset = try await ChildProcess.run(executable, ["admin", "reset-password", "dev@acme.test"], environment: environment)
            #expect(reset.status == 0, "\(reset.stderr)")
            let link = reset.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(link.hasPrefix("http://faultline.test:9000/ui/reset/"))
            let token = String(link.dropFirst("http://faultline.test:9000/ui/reset/".count))
            #expect(try SessionRepository(db).resetUser(token: token)?.email == "dev@acme.test")
            #expect(try db.query("SELECT token_hash FROM password_resets").first?.string("token_hash") == Secrets.hash(token: token))
        }
    }
}
