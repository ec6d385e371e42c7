import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// Sentry's members endpoints, read-only so far: `GET /api/0/organizations/{org}/members/` and
/// `…/members/{id}/` (`member:read`, which every role has), and `GET /api/0/users/me/` for a
/// personal token (an organization token names no user: 404).
struct MemberRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("organizations/:org/members") { _, context in try await members(context) }
        group.get("organizations/:org/members/:member") { _, context in try await member(context) }
        group.get("users/me") { _, context in try await me(context) }
    }

    private func members(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("member:read")
        let slug = try context.parameters.require("org")
        let members = try await api.withConnection { [api] db -> [MemberJSON] in
            let organizationID = try api.organization(grant, slug: slug, db).id
            // Each member's team slugs, as Sentry lists them (what an import carries into invitations).
            return try UserRepository(db).members(organizationID: organizationID).map { member in
                var json = MemberJSON(member)
                json.teams = try TeamRepository(db).teamSlugs(userID: member.user.id, organizationID: organizationID)
                return json
            }
        }
        return JSONResponse.make(.ok, members, headers: [.link: Cursor.linkHeader(
            url: "\(api.baseURL)/api/0/organizations/\(slug)/members/?", offset: 0, limit: max(1, members.count), hasMore: false)])
    }

    private func member(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("member:read")
        let slug = try context.parameters.require("org")
        // Sentry also accepts `me` for the caller's own membership.
        let reference = try context.parameters.require("member")
        let member = try await api.withConnection { [api] db -> Member? in
            let organization = try api.organization(grant, slug: slug, db)
            if reference == "me" {
                guard let userID = grant.userID else { return nil }
                return try UserRepository(db).members(organizationID: organization.id).first { $0.user.id == userID }
            }
            guard reference.utf8.count <= 19, let id = Int64(reference) else { return nil }
            return try UserRepository(db).members(organizationID: organization.id, memberID: id).first
        }
        guard let member else { throw QueryError.notFound }
        return JSONResponse.make(.ok, MemberJSON(member))
    }

    private func me(_ context: FaultlineRequestContext) async throws -> Response {
        guard let grant = context.grant else { throw QueryError.notAuthenticated }
        guard let userID = grant.userID,
              let user = try await api.withConnection({ try UserRepository($0).user(id: userID) }) else { throw QueryError.notFound }
        return JSONResponse.make(.ok, UserJSON(user))
    }
}

/// Sentry's user serializer: what Faultline knows of a user (no avatars, 2FA or SSO).
struct UserJSON: Encodable, Sendable {
    struct Email: Encodable, Sendable { let id: String; let email: String; let is_verified: Bool }
    struct Avatar: Encodable, Sendable { let avatarType = "letter_avatar" }
    let id: String
    let name: String
    let username: String
    let email: String
    let isActive: Bool
    let hasPasswordAuth = true
    let isManaged = false
    let dateJoined: String
    let has2fa = false
    let isSuperuser = false
    let isStaff = false
    let emails: [Email]
    let avatar = Avatar()

    init(_ user: User) {
        id = String(user.id)
        name = user.name.isEmpty ? user.email : user.name
        username = user.email
        email = user.email
        isActive = user.isActive
        dateJoined = Timestamp.format(user.createdAt)
        emails = [Email(id: String(user.id), email: user.email, is_verified: false)]
    }
}

/// Sentry's organization member serializer. `teams` is filled in the organization's list (empty
/// for one member); invitations are not built yet: `projects` is empty and every member is an
/// accepted one.
struct MemberJSON: Encodable, Sendable {
    let id: String
    let email: String
    let name: String
    let user: UserJSON
    let orgRole: String
    let role: String
    let roleName: String
    let pending = false
    let expired = false
    let inviteStatus = "approved"
    let dateCreated: String
    /// Slugs of the member's teams (filled in the list).
    var teams: [String] = []
    let teamRoles: [String] = []
    let projects: [String] = []

    init(_ member: Member) {
        id = String(member.id)
        email = member.user.email
        name = member.user.name.isEmpty ? member.user.email : member.user.name
        user = UserJSON(member.user)
        orgRole = member.role.rawValue
        role = member.role.rawValue
        roleName = member.role.name
        dateCreated = Timestamp.format(member.createdAt)
    }
}
