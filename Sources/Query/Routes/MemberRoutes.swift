import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// Sentry's members endpoints: `GET /api/0/organizations/{org}/members/` and `…/members/{id}/`
/// (`member:read`, which every role has) list members and pending invitations with their teams
/// and projects; `GET /api/0/users/me/` answers for a personal token (an organization token
/// names no user: 404). The writes are `MemberWriteRoutes`.
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
        let members = try await api.withConnection { [api] db in
            try MemberDirectory(db, organization: try api.organization(grant, slug: slug, db)).all()
        }
        return JSONResponse.make(.ok, members, headers: [.link: Cursor.linkHeader(
            url: "\(api.baseURL)/api/0/organizations/\(slug)/members/?", offset: 0, limit: max(1, members.count), hasMore: false)])
    }

    private func member(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("member:read")
        let slug = try context.parameters.require("org")
        let reference = try context.parameters.require("member")
        let member = try await api.withConnection { [api] db -> MemberJSON? in
            let organization = try api.organization(grant, slug: slug, db)
            guard let id = try MemberDirectory.memberID(reference, grant: grant, organizationID: organization.id, db) else { return nil }
            return try MemberDirectory(db, organization: organization).one(id: id)
        }
        guard let member else { throw QueryError.notFound }
        return JSONResponse.make(.ok, member)
    }

    private func me(_ context: FaultlineRequestContext) async throws -> Response {
        guard let grant = context.grant else { throw QueryError.notAuthenticated }
        guard let userID = grant.userID,
              let user = try await api.withConnection({ try UserRepository($0).user(id: userID) }) else { throw QueryError.notFound }
        return JSONResponse.make(.ok, UserJSON(user))
    }
}

/// An organization's members and pending invitations as Sentry's member serializer shows them,
/// with each one's teams and the projects those teams own (a few queries per list, not per member).
struct MemberDirectory {
    let db: PGConnection
    let organization: Organization
    let teams: [Team]
    let projectSlugs: [Int64: String]

    init(_ db: PGConnection, organization: Organization) throws {
        self.db = db
        self.organization = organization
        teams = try TeamRepository(db).teams(organizationID: organization.id)
        projectSlugs = Dictionary(try AdminStore(db).projects(organizationID: organization.id).map { ($0.id, $0.slug) },
                                  uniquingKeysWith: { first, _ in first })
    }

    /// Members by email, then pending invitations.
    func all() throws -> [MemberJSON] {
        let bySlug = try TeamRepository(db).teamSlugsByUser(organizationID: organization.id)
        let members = try UserRepository(db).members(organizationID: organization.id)
            .map { json($0, teamSlugs: bySlug[$0.user.id] ?? []) }
        return members + (try InvitationRepository(db).pending(organizationID: organization.id).map { json($0) })
    }

    /// A member or a pending invitation by its id.
    func one(id: Int64) throws -> MemberJSON? {
        if let member = try UserRepository(db).members(organizationID: organization.id, memberID: id).first {
            return json(member, teamSlugs: try TeamRepository(db).teamSlugs(userID: member.user.id, organizationID: organization.id))
        }
        return try InvitationRepository(db).pending(organizationID: organization.id, id: id).map { json($0) }
    }

    func json(_ member: Member, teamSlugs: [String]) -> MemberJSON {
        MemberJSON(member: member, teamSlugs: teamSlugs, projects: projects(of: teamSlugs))
    }

    func json(_ invitation: Invitation, link: String? = nil) -> MemberJSON {
        let slugs = invitation.teamSlugs.filter { slug in teams.contains { $0.slug == slug } }
        return MemberJSON(invitation: invitation, teamSlugs: slugs, projects: projects(of: slugs), link: link)
    }

    /// Slugs of the projects the teams own, sorted, once each.
    func projects(of teamSlugs: [String]) -> [String] {
        Set(teams.filter { teamSlugs.contains($0.slug) }.flatMap(\.projectIDs).compactMap { projectSlugs[$0] }).sorted()
    }

    /// The member id a path names: a number, or `me` (the caller's own membership; a personal
    /// token or a session only).
    static func memberID(_ reference: String, grant: TokenGrant, organizationID: Int64, _ db: PGConnection) throws -> Int64? {
        if reference == "me" {
            guard let userID = grant.userID else { return nil }
            return try UserRepository(db).members(organizationID: organizationID).first { $0.user.id == userID }?.id
        }
        guard reference.utf8.count <= 19 else { return nil }
        return Int64(reference)
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

/// Sentry's organization member serializer, for a member or a pending invitation (`pending`,
/// `expired`, `user: null`). `inviteLink` is only in the answer that created the invitation: the
/// link's token is stored hashed.
struct MemberJSON: Encodable, Sendable {
    struct TeamRole: Encodable, Sendable { let teamSlug: String; let role: String? }
    let id: String
    let email: String
    let name: String
    let user: UserJSON?
    let orgRole: String
    let role: String
    let roleName: String
    let pending: Bool
    let expired: Bool
    let inviteStatus = "approved"
    let dateCreated: String
    let teams: [String]
    let teamRoles: [TeamRole]
    let projects: [String]
    let inviteLink: String?

    init(member: Member, teamSlugs: [String], projects: [String]) {
        id = String(member.id)
        email = member.user.email
        name = member.user.name.isEmpty ? member.user.email : member.user.name
        user = UserJSON(member.user)
        (orgRole, role, roleName) = (member.role.rawValue, member.role.rawValue, member.role.name)
        (pending, expired) = (false, false)
        dateCreated = Timestamp.format(member.createdAt)
        teams = teamSlugs
        teamRoles = teamSlugs.map { TeamRole(teamSlug: $0, role: nil) }
        self.projects = projects
        inviteLink = nil
    }

    init(invitation: Invitation, teamSlugs: [String], projects: [String], link: String?, now: Date = Date()) {
        id = String(invitation.id)
        email = invitation.email
        name = invitation.email
        user = nil
        (orgRole, role, roleName) = (invitation.role.rawValue, invitation.role.rawValue, invitation.role.name)
        pending = true
        expired = !invitation.isOpen(at: now)
        dateCreated = Timestamp.format(invitation.createdAt)
        teams = teamSlugs
        teamRoles = teamSlugs.map { TeamRole(teamSlug: $0, role: nil) }
        self.projects = projects
        inviteLink = link
    }

    private enum CodingKeys: String, CodingKey {
        case id, email, name, user, orgRole, role, roleName, pending, expired, inviteStatus, dateCreated, teams, teamRoles, projects,
             inviteLink
    }

    /// `user` is null for a pending invitation, as in Sentry (not left out).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(email, forKey: .email)
        try container.encode(name, forKey: .name)
        try container.encode(user, forKey: .user)
        try container.encode(orgRole, forKey: .orgRole)
        try container.encode(role, forKey: .role)
        try container.encode(roleName, forKey: .roleName)
        try container.encode(pending, forKey: .pending)
        try container.encode(expired, forKey: .expired)
        try container.encode(inviteStatus, forKey: .inviteStatus)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(teams, forKey: .teams)
        try container.encode(teamRoles, forKey: .teamRoles)
        try container.encode(projects, forKey: .projects)
        try container.encodeIfPresent(inviteLink, forKey: .inviteLink)
    }
}
