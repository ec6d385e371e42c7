import EventModel
import Foundation
import Postgres
import Testing
@testable import Query
@testable import Store

/// The pure parts of the members and teams writes: who may give which role, the last owner,
/// the request bodies, team slugs from names, the invitation mail and `assigned_or_suggested:`.
@Suite struct MemberPolicyTests {
    @Test func aRoleIsGivenOnlyByWhoHoldsAllItsScopes() {
        #expect(MemberPolicy.assignableRoles(by: Role.owner.scopes) == [.member, .admin, .manager, .owner])
        #expect(MemberPolicy.assignableRoles(by: Role.manager.scopes) == [.member, .admin, .manager])
        #expect(MemberPolicy.assignableRoles(by: Role.admin.scopes) == [.member, .admin])
        #expect(MemberPolicy.assignableRoles(by: Set(Scope.all)) == Role.allCases)
        // A manager cannot make an owner, nor change or remove one.
        #expect(MemberPolicy.refusal(callerScopes: Role.manager.scopes, current: nil, new: .owner, owners: 1) != nil)
        #expect(MemberPolicy.refusal(callerScopes: Role.manager.scopes, current: .owner, new: .member, owners: 3) != nil)
        #expect(MemberPolicy.refusal(callerScopes: Role.manager.scopes, current: .owner, new: nil, owners: 3) != nil)
        #expect(MemberPolicy.refusal(callerScopes: Role.manager.scopes, current: .member, new: .manager, owners: 1) == nil)
        // The last owner stays; one of two may go.
        #expect(MemberPolicy.refusal(callerScopes: Role.owner.scopes, current: .owner, new: .admin, owners: 1) != nil)
        #expect(MemberPolicy.refusal(callerScopes: Role.owner.scopes, current: .owner, new: nil, owners: 1) != nil)
        #expect(MemberPolicy.refusal(callerScopes: Role.owner.scopes, current: .owner, new: nil, owners: 2) == nil)
        #expect(MemberPolicy.refusal(callerScopes: Role.owner.scopes, current: .owner, new: .owner, owners: 1) == nil)
    }

    @Test func memberBodiesAreReadAsSentrys() throws {
        let change = try MemberWriteRoutes.Change.parse(["orgRole": "admin", "role": "owner",
                                                         "teamRoles": [["teamSlug": "b", "role": nil], ["teamSlug": "a"]]])
        #expect(change.role == .admin && change.teamSlugs == ["a", "b"])
        let older = try MemberWriteRoutes.Change.parse(["role": "manager", "teams": ["x", "x"]])
        #expect(older.role == .manager && older.teamSlugs == ["x"])
        let none = try MemberWriteRoutes.Change.parse([:])
        #expect(none.role == nil && none.teamSlugs == nil)
        #expect(throws: QueryError.self) { try MemberWriteRoutes.Change.parse(["orgRole": "god"]) }
        #expect(throws: QueryError.self) { try MemberWriteRoutes.Change.parse(["role": 3]) }
        #expect(try MemberWriteRoutes.Change.parse(["orgRole": nil]).role == nil)
        #expect(throws: QueryError.self) { try MemberWriteRoutes.Change.parse(["teams": [1]]) }
        #expect(throws: QueryError.self) { try MemberWriteRoutes.Change.parse(["teams": .array(Array(repeating: "t", count: 101))]) }
    }

    @Test func teamSlugsComeFromNames() {
        #expect(TeamWriteRoutes.slug(fromName: "Platform Team") == "platform-team")
        #expect(TeamWriteRoutes.slug(fromName: "  --Ops / SRE!! ") == "ops-sre")
        #expect(TeamWriteRoutes.slug(fromName: "Ünïcode") == "n-code")
        #expect(TeamWriteRoutes.slug(fromName: "!!!") == "")
        #expect(TeamWriteRoutes.slug(fromName: String(repeating: "a", count: 10_000)).utf8.count == 50)
    }

    @Test func theInvitationMailCarriesTheLink() {
        let invitation = Invitation(id: 7, organizationID: 1, email: "new@acme.test", role: .admin, teamSlugs: [], invitedByUserID: nil,
                                    createdAt: Date(), expiresAt: Date(timeIntervalSince1970: 1_800_000_000), acceptedAt: nil)
        let link = InvitationMail.link(baseURL: "https://faultline.test/", token: "abc")
        #expect(link == "https://faultline.test/ui/accept/abc")
        let mail = InvitationMail.send(invitation, organization: "Acme", link: link)
        #expect(mail.to == "new@acme.test" && mail.subject.contains("Acme") && mail.body.contains(link) && mail.body.contains("admin"))
        #expect(invitation.isOpen(at: Date(timeIntervalSince1970: 1_799_999_999)))
        #expect(!invitation.isOpen(at: Date(timeIntervalSince1970: 1_800_000_000)))
    }

    @Test func assignedOrSuggestedMeTakesMyTeams() throws {
        let search = try IssueSearch.parse("assigned_or_suggested:me assigned:my_teams", now: Date())
        #expect(search.terms.map(\.filter) == [.assignedOrSuggested([.me]), .assignedTo([.myTeams])])
        var parameters: [any PGBindable] = []
        let sql = try SearchSQL.compile(search, target: .issues, userEmail: "me@acme.test", parameters: &parameters)
        #expect(sql.contains("i.assigned_to ILIKE $1") && sql.contains("team_members") && sql.contains("OR"))
        #expect(parameters.map(\.pgText) == ["me@acme.test", "me@acme.test", "me@acme.test"])
        // A token naming nobody has no "me" and no teams.
        var none: [any PGBindable] = []
        #expect(try SearchSQL.compile(search, target: .issues, userEmail: nil, parameters: &none) == "((FALSE OR FALSE)) AND (FALSE)")
        var events: [any PGBindable] = []
        #expect(throws: SearchError.self) { try SearchSQL.compile(search, target: .events, userEmail: nil, parameters: &events) }
    }
}
