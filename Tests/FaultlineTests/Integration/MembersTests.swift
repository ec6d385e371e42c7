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

/// Invitations, the members, teams and personal-token writes of Sentry's API, and their audit
/// entries, against real PostgreSQL through HTTP (docs/PEOPLE.md). The invitee accepts through
/// the dashboard's page as a browser does (`DashboardBrowser`).
@Suite struct MembersTests {
    /// The API and the dashboard on one router, an `acme` organization with project `web`, and a
    /// user with a personal token for each role.
    struct Harness {
        let db: PGConnection
        let client: any TestClientProtocol
        let tenant: TestTenant
        let tokens: [Role: String]
        let users: [Role: User]

        func call(_ method: HTTPRequest.Method, _ path: String, _ role: Role? = .owner, token: String? = nil,
                  body: String? = nil) async throws -> TestResponse {
            let bearer = token ?? role.flatMap { tokens[$0] } ?? tenant.token
            var headers: HTTPFields = [.authorization: "Bearer \(bearer)"]
            if body != nil { headers[.contentType] = "application/json" }
            return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        }

        func json(_ response: TestResponse) -> Any? {
            try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
        }

        func object(_ response: TestResponse) -> [String: Any] { json(response) as? [String: Any] ?? [:] }
        func list(_ response: TestResponse) -> [[String: Any]] { json(response) as? [[String: Any]] ?? [] }

        func members() async throws -> [[String: Any]] {
            list(try await call(.get, "/api/0/organizations/acme/members/"))
        }

        func auditEvents() throws -> [String] {
            let org = try #require(try AdminStore(db).organization(slug: "acme"))
            return try AuditLogRepository(db).entries(organizationID: org.id).map(\.event).reversed()
        }
    }

    static func withHarness(_ body: @Sendable (Harness) async throws -> Void) async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            var tokens: [Role: String] = [:]
            var users: [Role: User] = [:]
            for role in Role.allCases {
                let email = "\(role.rawValue)@acme.test"
                users[role] = try TestUsers.create(db, email: email, role: role)
                tokens[role] = try AdminStore(db).createToken(organization: "acme", label: role.rawValue, userEmail: email).0
            }
            let pool = PGPool(url: database.url, size: 2)
            let router = Router(context: FaultlineRequestContext.self)
            APIRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            DashboardRoutes(pool: pool, baseURL: "http://faultline.test").add(to: router)
            let shared = SharedConnection(db: db)
            let (frozenTokens, frozenUsers) = (tokens, users)
            try await Application(router: router).test(.router) { client in
                try await body(Harness(db: shared.db, client: client, tenant: tenant, tokens: frozenTokens, users: frozenUsers))
            }
            await pool.shutdown()
        }
    }

    /// The dashboard's members page manages what the API does, with the API's rules: a manager
    /// invites (the link is shown once and works), creates a team, puts a member in it and
    /// changes their role, removes them; a member sees the page without its forms, and a forged
    /// form from them is refused.
    @Test func theMembersPageInvitesEditsAndRemoves() async throws {
        try await Self.withHarness { h in
            var manager = DashboardBrowser(h.client)
            try await manager.signIn("manager@acme.test", TestUsers.password)
            let page = try await manager.get("/ui/acme/members")
            #expect(page.status == .ok && String(buffer: page.body).contains("id=\"invite\""))

            let invited = try await manager.post("/ui/acme/members/invite", [("email", "new@acme.test"), ("role", "admin")])
            let html = String(buffer: invited.body)
            #expect(invited.status == .ok && html.contains("/ui/accept/"))
            let pending = try #require(try await h.members().first { $0["email"] as? String == "new@acme.test" })
            #expect(pending["pending"] as? Bool == true && pending["orgRole"] as? String == "admin")
            // A manager may not invite an owner (MemberPolicy, as the API).
            #expect(try await manager.post("/ui/acme/members/invite", [("email", "boss@acme.test"), ("role", "owner")]).status == .forbidden)

            #expect(try await manager.post("/ui/acme/teams/new", [("slug", "billing")]).status == .seeOther)
            let memberID = try #require(try await h.members().first { $0["email"] as? String == "member@acme.test" }?["id"] as? String)
            let edited = try await manager.post("/ui/acme/members/\(memberID)/edit", [("role", "admin"), ("teams", "billing")])
            #expect(edited.status == .seeOther)
            let member = try #require(try await h.members().first { $0["id"] as? String == memberID })
            #expect(member["orgRole"] as? String == "admin" && member["teams"] as? [String] == ["billing"])

            let pendingID = try #require(pending["id"] as? String)
            #expect(try await manager.post("/ui/acme/members/\(pendingID)/remove", []).status == .seeOther)
            #expect(try await manager.post("/ui/acme/members/\(memberID)/remove", []).status == .seeOther)
            #expect(try await h.members().allSatisfy { $0["id"] as? String != memberID && $0["id"] as? String != pendingID })

            var plain = DashboardBrowser(h.client)
            try await plain.signIn("admin@acme.test", TestUsers.password)
            let readOnly = String(buffer: try await plain.get("/ui/acme/members").body)
            #expect(readOnly.contains("manager@acme.test") && !readOnly.contains("id=\"invite\""))
            #expect(try await plain.post("/ui/acme/members/invite", [("email", "x@acme.test"), ("role", "member")]).status == .forbidden)
            #expect(Array(try h.auditEvents().suffix(5)) == ["member.invite", "team.create", "member.edit", "member.remove", "member.remove"])
            // The audit log page: the API's entries, for org:write only.
            let log = try await manager.get("/ui/acme/audit-log")
            #expect(log.status == .ok && String(buffer: log.body).contains("member.invite"))
            #expect(try await plain.get("/ui/acme/audit-log").status == .forbidden)
        }
    }

    static func path(of link: String) throws -> String {
        let range = try #require(link.range(of: "/ui/accept/"))
        return String(link[range.lowerBound...])
    }

    @Test func anInviteeAcceptsThroughThePageAndIsAMemberUnderTheInvitationsID() async throws {
        try await Self.withHarness { h in
            let org = try #require(try AdminStore(h.db).organization(slug: "acme"))
            let backend = try TeamRepository(h.db).create(organizationID: org.id, slug: "backend")
            try TeamRepository(h.db).addProject(teamID: backend.id, projectID: h.tenant.project.id)

            // Who may invite whom.
            let body = #"{"email":"new@acme.test","orgRole":"admin","teams":["backend"]}"#
            #expect(try await h.call(.post, "/api/0/organizations/acme/members/", .member, body: body).status == .forbidden)
            #expect(try await h.call(.post, "/api/0/organizations/acme/members/", .admin, body: body).status == .forbidden)
            let asOwner = try await h.call(.post, "/api/0/organizations/acme/members/", .manager,
                                           body: #"{"email":"boss@acme.test","orgRole":"owner"}"#)
            #expect(asOwner.status == .forbidden)
            #expect(try await h.call(.post, "/api/0/organizations/acme/members/", .manager,
                                     body: #"{"email":"x@acme.test","teams":["nope"]}"#).status == .badRequest)
            #expect(try await h.call(.post, "/api/0/organizations/acme/members/", .manager,
                                     body: #"{"email":"member@ACME.test"}"#).status == .badRequest)
            let invited = try await h.call(.post, "/api/0/organizations/acme/members/", .manager, body: body)
            #expect(invited.status == .created)
            let pending = h.object(invited)
            #expect(pending["pending"] as? Bool == true && pending["expired"] as? Bool == false)
            #expect(pending["user"] is NSNull && pending["orgRole"] as? String == "admin")
            #expect(pending["teams"] as? [String] == ["backend"] && pending["projects"] as? [String] == ["web"])
            let link = try #require(pending["inviteLink"] as? String)
            #expect(link.hasPrefix("http://faultline.test/ui/accept/"))
            #expect(try await h.call(.post, "/api/0/organizations/acme/members/", .owner, body: body).status == .badRequest)
            let id = try #require(pending["id"] as? String)
            // Listed as pending, without its link.
            let listed = try #require(try await h.members().first { $0["email"] as? String == "new@acme.test" })
            #expect(listed["pending"] as? Bool == true && listed["inviteStatus"] as? String == "approved" && listed["inviteLink"] == nil)
            #expect(h.object(try await h.call(.get, "/api/0/organizations/acme/members/\(id)/")).count > 0)
            // Only the hash of the link's token is stored.
            let token = String(link.dropFirst("http://faultline.test/ui/accept/".count))
            #expect(try h.db.query("SELECT token_hash FROM member_invitations WHERE id = $1", [Int64(id)]).first?
                .string("token_hash") == Secrets.hash(token: token))

            // The page: a new account sets a password and is signed in.
            var browser = DashboardBrowser(h.client)
            #expect(try await browser.get("/ui/accept/not-a-token").status == .notFound)
            let page = try await browser.get(try Self.path(of: link))
            #expect(page.status == .ok && String(buffer: page.body).contains("name=\"new\""))
            let differ = try await browser.post(try Self.path(of: link), [("name", "New"), ("new", "a long password"),
                                                                          ("confirm", "a long passworD")])
            #expect(differ.status == .badRequest)
            let forged = try await browser.post(try Self.path(of: link), [("name", "New"), ("new", "a long password"),
                                                                          ("confirm", "a long password")], csrf: "")
            #expect(forged.status == .forbidden)
            let joined = try await browser.post(try Self.path(of: link), [("name", "New"), ("new", "a long password"),
                                                                          ("confirm", "a long password")])
            #expect(joined.status == .seeOther && browser.cookies["faultline_session"] != nil)
            #expect(try await browser.get("/ui/acme/web/").status == .ok)
            // The link is used up; the member keeps the invitation's id, role and teams.
            var other = DashboardBrowser(h.client)
            #expect(try await other.get(try Self.path(of: link)).status == .notFound)
            let member = try #require(try await h.members().first { $0["email"] as? String == "new@acme.test" })
            #expect(member["id"] as? String == id && member["pending"] as? Bool == false && member["orgRole"] as? String == "admin")
            #expect(member["teams"] as? [String] == ["backend"] && member["projects"] as? [String] == ["web"])
            #expect((member["teamRoles"] as? [[String: Any]])?.first?["teamSlug"] as? String == "backend")
            var fresh = DashboardBrowser(h.client)
            #expect(try await fresh.signIn("new@acme.test", "a long password").status == .seeOther)

            // A user with an account accepts while signed in as the invited address.
            _ = try TestUsers.create(h.db, email: "known@elsewhere.test", organization: nil)
            let secondAnswer = try await h.call(.post, "/api/0/organizations/acme/members/",
                                                body: #"{"email":"known@elsewhere.test","role":"member"}"#)
            #expect(secondAnswer.status == .created, "\(String(buffer: secondAnswer.body))")
            let second = h.object(secondAnswer)
            let secondLink = try Self.path(of: try #require(second["inviteLink"] as? String))
            var stranger = DashboardBrowser(h.client)
            #expect(String(buffer: try await stranger.get(secondLink).body).contains("sign in"))
            #expect(try await stranger.post(secondLink, [("new", "a long password"), ("confirm", "a long password")]).status == .forbidden)
            try await stranger.signIn("member@acme.test", TestUsers.password)
            #expect(String(buffer: try await stranger.get(secondLink).body).contains("another address"))
            var known = DashboardBrowser(h.client)
            try await known.signIn("known@elsewhere.test", TestUsers.password)
            #expect(String(buffer: try await known.get(secondLink).body).contains("id=\"accept\""))
            #expect(try await known.post(secondLink, []).status == .seeOther)
            #expect(try await known.get("/ui/acme/web/").status == .ok)

            // An expired link is refused and listed as expired; a withdrawn one is refused.
            let third = h.object(try await h.call(.post, "/api/0/organizations/acme/members/", body: #"{"email":"late@acme.test"}"#))
            let thirdID = try #require(third["id"] as? String)
            try h.db.query("UPDATE member_invitations SET expires_at = now() - interval '1 second' WHERE id = $1", [Int64(thirdID)])
            var late = DashboardBrowser(h.client)
            #expect(try await late.get(try Self.path(of: try #require(third["inviteLink"] as? String))).status == .notFound)
            #expect(try await h.members().first { $0["id"] as? String == thirdID }?["expired"] as? Bool == true)
            let fourth = h.object(try await h.call(.post, "/api/0/organizations/acme/members/", body: #"{"email":"gone@acme.test"}"#))
            let fourthID = try #require(fourth["id"] as? String)
            #expect(try await h.call(.delete, "/api/0/organizations/acme/members/\(fourthID)/", .member).status == .forbidden)
            #expect(try await h.call(.delete, "/api/0/organizations/acme/members/\(fourthID)/", .manager).status == .noContent)
            #expect(try await late.get(try Self.path(of: try #require(fourth["inviteLink"] as? String))).status == .notFound)

            #expect(try h.auditEvents() == ["member.invite", "member.accept-invite", "member.invite", "member.accept-invite",
                                            "member.invite", "member.invite", "member.remove"])
        }
    }

    @Test func rolesAreGuardedTheLastOwnerStaysAndARemovedMemberStopsAtOnce() async throws {
        try await Self.withHarness { h in
            let members = try await h.members()
            func id(_ email: String) throws -> String {
                try #require(members.first { $0["email"] as? String == email }?["id"] as? String)
            }
            let (memberID, ownerID, adminID) = (try id("member@acme.test"), try id("owner@acme.test"), try id("admin@acme.test"))
            let path = { (id: String) in "/api/0/organizations/acme/members/\(id)/" }
            // A member changes nobody; a manager makes no owner and touches no owner.
            #expect(try await h.call(.put, path(adminID), .member, body: #"{"orgRole":"member"}"#).status == .forbidden)
            #expect(try await h.call(.put, path(memberID), .manager, body: #"{"orgRole":"owner"}"#).status == .forbidden)
            #expect(try await h.call(.put, path(ownerID), .manager, body: #"{"orgRole":"member"}"#).status == .forbidden)
            #expect(try await h.call(.delete, path(ownerID), .manager).status == .forbidden)
            #expect(try await h.call(.delete, path(memberID), .admin).status == .forbidden)
            let promoted = try await h.call(.put, path(memberID), .manager, body: #"{"orgRole":"admin"}"#)
            #expect(promoted.status == .ok && h.object(promoted)["orgRole"] as? String == "admin")
            #expect(try await h.call(.put, path(memberID), .manager, body: #"{"orgRole":"member"}"#).status == .ok)
            // The only owner can neither leave nor be demoted; with a second owner they can go.
            #expect(try await h.call(.delete, "/api/0/organizations/acme/members/me/", .owner).status == .forbidden)
            #expect(try await h.call(.put, path(ownerID), .owner, body: #"{"orgRole":"admin"}"#).status == .badRequest)
            #expect(try await h.call(.put, path(try id("manager@acme.test")), .owner, body: #"{"orgRole":"owner"}"#).status == .ok)
            #expect(try await h.call(.put, path(ownerID), .manager, body: #"{"orgRole":"admin"}"#).status == .ok)
            #expect(try await h.call(.put, path(ownerID), .manager, body: #"{"orgRole":"owner"}"#).status == .ok)

            // Settings: a member may not change a project's, an admin may; both are audited.
            let scrub = #"{"dataScrubber":true,"sensitiveFields":["card"]}"#
            #expect(try await h.call(.put, "/api/0/projects/acme/web/", .member, body: scrub).status == .forbidden)
            #expect(try await h.call(.put, "/api/0/projects/acme/web/", .admin, body: scrub).status == .ok)
            #expect(try await h.call(.put, "/api/0/organizations/acme/", .admin, body: scrub).status == .forbidden)
            #expect(try await h.call(.put, "/api/0/organizations/acme/", .manager, body: #"{"scrubIPAddresses":true}"#).status == .ok)

            // Removed: the member's session and personal token stop at once.
            var browser = DashboardBrowser(h.client)
            try await browser.signIn("member@acme.test", TestUsers.password)
            #expect(try await browser.get("/ui/acme/web/").status == .ok)
            #expect(try await h.call(.get, "/api/0/organizations/acme/members/", .member).status == .ok)
            #expect(try await h.call(.delete, path(memberID), .manager).status == .noContent)
            #expect(try await h.call(.get, "/api/0/organizations/acme/members/", .member).status == .unauthorized)
            #expect(try await browser.get("/ui/acme/web/").status != .ok)
            #expect(try await h.call(.delete, path(memberID), .manager).status == .notFound)
            // Anyone may leave.
            #expect(try await h.call(.delete, "/api/0/organizations/acme/members/me/", .admin).status == .noContent)

            let org = try #require(try AdminStore(h.db).organization(slug: "acme"))
            let entries = try AuditLogRepository(h.db).entries(organizationID: org.id).reversed()
            #expect(entries.map(\.event) == ["member.edit", "member.edit", "member.edit", "member.edit", "member.edit",
                                             "project.edit", "org.edit", "member.remove", "member.remove"])
            let projectEdit = try #require(entries.first { $0.event == "project.edit" })
            #expect(projectEdit.data["dataScrubber"]?.bool == true && projectEdit.actorLabel == "admin@acme.test")
            #expect(projectEdit.data["slug"]?.string == "web")
        }
    }

    @Test func teamsAreWrittenInSentrysShapeWithOpenMembership() async throws {
        try await Self.withHarness { h in
            #expect(try await h.call(.post, "/api/0/organizations/acme/teams/", .member, body: #"{"name":"Platform Team"}"#).status == .forbidden)
            let created = try await h.call(.post, "/api/0/organizations/acme/teams/", .admin, body: #"{"name":"Platform Team"}"#)
            #expect(created.status == .created)
            #expect(h.object(created)["slug"] as? String == "platform-team" && h.object(created)["isMember"] as? Bool == true)
            #expect(try await h.call(.post, "/api/0/organizations/acme/teams/", .admin, body: #"{"slug":"platform-team"}"#).status == .conflict)
            #expect(try await h.call(.post, "/api/0/organizations/acme/teams/", .admin, body: #"{"slug":"Bad Slug"}"#).status == .badRequest)
            let renamed = try await h.call(.put, "/api/0/teams/acme/platform-team/", .admin, body: #"{"name":"Platform"}"#)
            #expect(renamed.status == .ok && h.object(renamed)["name"] as? String == "Platform")
            #expect(try await h.call(.put, "/api/0/teams/acme/platform-team/", .member, body: #"{"name":"x"}"#).status == .forbidden)
            #expect(try await h.call(.get, "/api/0/teams/acme/nope/", .member).status == .notFound)

            // Open membership: a member joins and leaves on their own; moving others takes team:write.
            let join = "/api/0/organizations/acme/members/me/teams/platform-team/"
            #expect(try await h.call(.post, join, .member).status == .created)
            #expect(try await h.call(.post, join, .member).status == .noContent)
            let managerID = try #require(try await h.members().first { $0["email"] as? String == "manager@acme.test" }?["id"] as? String)
            let other = "/api/0/organizations/acme/members/\(managerID)/teams/platform-team/"
            #expect(try await h.call(.post, other, .member).status == .forbidden)
            #expect(try await h.call(.post, other, .admin).status == .created)
            let teamMembers = h.list(try await h.call(.get, "/api/0/teams/acme/platform-team/members/", .member))
            #expect(Set(teamMembers.compactMap { $0["email"] as? String }) == ["admin@acme.test", "manager@acme.test", "member@acme.test"])

            // Projects: project:write adds and removes a team's project.
            let own = "/api/0/projects/acme/web/teams/platform-team/"
            #expect(try await h.call(.post, own, .member).status == .forbidden)
            #expect(try await h.call(.post, own, .admin).status == .created)
            let projects = h.list(try await h.call(.get, "/api/0/teams/acme/platform-team/projects/", .member))
            #expect(projects.map { $0["slug"] as? String } == ["web"])
            let member = try #require(try await h.members().first { $0["email"] as? String == "member@acme.test" })
            #expect(member["teams"] as? [String] == ["platform-team"] && member["projects"] as? [String] == ["web"])

            // assigned_or_suggested:me: the member's own issues and their teams'.
            let ids = try Self.issues(h, titles: ["Mine", "Teams", "Nobodys"])
            for (issue, assignee) in [(ids[0], "member@acme.test"), (ids[1], "team:platform-team")] {
                #expect(try await h.call(.put, "/api/0/issues/\(issue)/", nil, body: #"{"assignedTo":"\#(assignee)"}"#).status == .ok)
            }
            let mine = String(buffer: try await h.call(.get, "/api/0/projects/acme/web/issues/?query=assigned_or_suggested:me", .member).body)
            #expect(mine.contains("Mine") && mine.contains("Teams") && !mine.contains("Nobodys"))
            let owners = String(buffer: try await h.call(.get, "/api/0/projects/acme/web/issues/?query=assigned_or_suggested:me", .owner).body)
            #expect(!owners.contains("Mine") && !owners.contains("Teams"))

            #expect(try await h.call(.delete, "/api/0/organizations/acme/members/me/teams/platform-team/", .member).status == .ok)
            #expect(try await h.call(.delete, own, .admin).status == .ok)
            #expect(h.list(try await h.call(.get, "/api/0/teams/acme/platform-team/projects/", .member)).isEmpty)
            #expect(try await h.call(.delete, "/api/0/teams/acme/platform-team/", .member).status == .forbidden)
            #expect(try await h.call(.delete, "/api/0/teams/acme/platform-team/", .admin).status == .noContent)
            #expect(h.list(try await h.call(.get, "/api/0/organizations/acme/teams/", .member)).isEmpty)
            #expect(try h.auditEvents() == ["team.create", "team.edit", "member.join-team", "member.join-team", "project.edit",
                                            "member.leave-team", "project.edit", "team.remove"])
        }
    }

    /// Writes one event per title; the ids of their issues, in order.
    static func issues(_ h: Harness, titles: [String]) throws -> [Int64] {
        try titles.map { title in
            let payload: JSON = ["platform": "python", "exception": ["values": [["type": .string(title), "value": "x"]]]]
            let message = IngestMessage(metadata: .init(type: "event", eventID: EventID.generate(), projectID: h.tenant.project.id,
                                                        keyID: 1, received: Date().timeIntervalSince1970, clientIP: nil, sdk: nil,
                                                        sentAt: nil),
                                        payload: payload.encoded())
            _ = try h.db.transaction { try EventWriter($0).write([try EventPipeline.process(message)]) }
            return try #require(try h.db.query("SELECT id FROM issues ORDER BY id DESC LIMIT 1").first?.int("id"))
        }
    }

    @Test func personalTokensAreCreatedByTheirUserShownOnceAndStoredHashed() async throws {
        try await Self.withHarness { h in
            #expect(try await h.call(.post, "/api/0/api-tokens/", nil, body: #"{"scopes":["event:read"]}"#).status == .forbidden)
            #expect(try await h.call(.post, "/api/0/api-tokens/", .member, body: #"{"scopes":["project:write"]}"#).status == .forbidden)
            #expect(try await h.call(.post, "/api/0/api-tokens/", .member, body: #"{"scopes":[]}"#).status == .badRequest)
            let created = try await h.call(.post, "/api/0/api-tokens/", .member, body: #"{"name":"laptop","scopes":["event:read","org:read"]}"#)
            #expect(created.status == .created)
            let token = try #require(h.object(created)["token"] as? String)
            let id = try #require(h.object(created)["id"] as? String)
            #expect(try h.db.query("SELECT token_hash, user_id FROM api_tokens WHERE id = $1", [Int64(id)]).first?
                .string("token_hash") == Secrets.hash(token: token))
            #expect(try await h.call(.get, "/api/0/organizations/acme/", nil, token: token).status == .ok)
            #expect(try await h.call(.get, "/api/0/organizations/acme/members/", nil, token: token).status == .forbidden)
            let listed = h.list(try await h.call(.get, "/api/0/api-tokens/", .member))
            #expect(listed.map { $0["name"] as? String } == ["member", "laptop"] && listed.allSatisfy { $0["token"] == nil })
            // Someone else's token is not theirs to revoke.
            #expect(try await h.call(.delete, "/api/0/api-tokens/", .admin, body: #"{"tokenId":"\#(id)"}"#).status == .notFound)
            #expect(try await h.call(.delete, "/api/0/api-tokens/", .member, body: #"{"tokenId":"\#(id)"}"#).status == .noContent)
            #expect(try await h.call(.get, "/api/0/organizations/acme/", nil, token: token).status == .unauthorized)
        }
    }

    @Test func hostileRequestsAreRefusedWithoutHarm() async throws {
        try await Self.withHarness { h in
            let members = "/api/0/organizations/acme/members/"
            #expect(try await h.call(.post, members, body: "[]").status == .badRequest)
            #expect(try await h.call(.post, members, body: #"{"email":\#(String(repeating: "a", count: 300))@x.test"}"#).status == .badRequest)
            #expect(try await h.call(.post, members, body: #"{"email":"a b@x.test"}"#).status == .badRequest)
            #expect(try await h.call(.post, members, body: #"{"email":"x@x.test","orgRole":1}"#).status == .badRequest)
            #expect(try await h.call(.put, members + "99999999999999999999/", body: #"{"orgRole":"member"}"#).status == .notFound)
            #expect(try await h.call(.put, members + "9223372036854775808/", body: #"{"orgRole":"member"}"#).status == .notFound)
            #expect(try await h.call(.delete, members + "-1/").status == .notFound)
            // Another organization's members and teams are not found.
            _ = try AdminStore(h.db).createOrganization(slug: "other")
            #expect(try await h.call(.post, "/api/0/organizations/other/members/", body: #"{"email":"y@x.test"}"#).status == .notFound)
            #expect(try await h.call(.post, "/api/0/organizations/other/teams/", body: #"{"slug":"t"}"#).status == .notFound)
            let long = try await h.call(.post, "/api/0/organizations/acme/teams/", .admin,
                                        body: #"{"name":"\#(String(repeating: "Ab ", count: 5000))"}"#)
            #expect(long.status == .created && (h.object(long)["slug"] as? String)?.utf8.count ?? 99 <= 50)
            #expect(try await h.call(.delete, "/api/0/api-tokens/", .member, body: #"{"tokenId":1e300}"#).status == .badRequest)
            #expect(try await h.call(.get, "/api/0/organizations/acme/members/?query=\(String(repeating: "x", count: 1000))").status == .ok)
        }
    }

    @Test func adminInvitePrintsTheLink() async throws {
        let executable = try TestEnvironment.executable
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            _ = try TestTenant.create(db)
            let org = try #require(try AdminStore(db).organization(slug: "acme"))
            _ = try TeamRepository(db).create(organizationID: org.id, slug: "ops")
            let environment = ["FAULTLINE_DATABASE_URL": database.url, "FAULTLINE_PUBLIC_URL": "http://faultline.test:9000"]
            let run = try await ChildProcess.run(executable, ["admin", "invite", "acme", "dev@acme.test", "--role", "manager",
                                                              "--team", "ops"], environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            let link = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(link.hasPrefix("http://faultline.test:9000/ui/accept/"))
            let invitation = try #require(try InvitationRepository(db).invitation(token: String(link.split(separator: "/").last ?? "")))
            #expect(invitation.role == .manager && invitation.teamSlugs == ["ops"] && invitation.email == "dev@acme.test")
            for bad in [["--role", "god"], ["--team", "nope"]] {
                let refused = try await ChildProcess.run(executable, ["admin", "invite", "acme", "x@acme.test"] + bad, environment: environment)
                #expect(refused.status != 0)
            }
            let again = try await ChildProcess.run(executable, ["admin", "invite", "acme", "DEV@acme.test"], environment: environment)
            #expect(again.status != 0)
            #expect(try AuditLogRepository(db).entries(organizationID: org.id).map(\.event) == ["member.invite"])
        }
    }
}
