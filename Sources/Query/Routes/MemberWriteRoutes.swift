import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// Sentry's members writes:
/// - `POST /api/0/organizations/{org}/members/` invites an address (`email`, `orgRole` or the
///   older `role`, `teams` or `teamRoles`): a pending member whose answer carries the one-time
///   `inviteLink` (mailed once Faultline sends mail: `InvitationMail`).
/// - `PUT …/members/{id}/` changes a member's or an invitation's role and teams.
/// - `DELETE …/members/{id}/` removes a member (their sessions and personal tokens stop at their
///   next request) or withdraws an invitation.
/// Inviting and changing need `member:write` or `member:admin`, removing another member
/// `member:admin`; anyone may leave. `MemberPolicy` decides which roles the caller may give or
/// take (a manager never an owner's) and keeps the last owner.
struct MemberWriteRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.post("organizations/:org/members") { request, context in
            JSONResponse.make(.created, try await invite(try await RequestBody.object(request), context))
        }
        group.put("organizations/:org/members/:member") { request, context in
            JSONResponse.make(.ok, try await update(try await RequestBody.object(request), context))
        }
        group.delete("organizations/:org/members/:member") { _, context in
            try await remove(context)
            return Response(status: .noContent)
        }
    }

    /// The role and teams a request body asks for (nil: not given).
    struct Change {
        var role: Role?
        var teamSlugs: [String]?

        /// `orgRole` (else `role`) and `teamRoles` (else `teams`), as Sentry reads them.
        static func parse(_ body: [String: JSON]) throws -> Change {
            var change = Change()
            if let given = body["orgRole"] ?? body["role"], given != .null {
                guard let role = given.string.flatMap(Role.init(rawValue:)) else { throw QueryError.invalid("orgRole", "Invalid role") }
                change.role = role
            }
            if let teamRoles = body["teamRoles"]?.array {
                change.teamSlugs = try teamRoles.map { entry in
                    guard let slug = entry["teamSlug"]?.string else { throw QueryError.invalid("teamRoles", "Each needs a teamSlug") }
                    return slug
                }
            } else if let teams = body["teams"]?.array {
                change.teamSlugs = try teams.map { entry in
                    guard let slug = entry.string else { throw QueryError.invalid("teams", "A team is its slug") }
                    return slug
                }
            }
            if let slugs = change.teamSlugs {
                guard slugs.count <= 100 else { throw QueryError.invalid("teams", "At most 100 teams") }
                change.teamSlugs = Array(Set(slugs)).sorted()
            }
            return change
        }

        /// Refuses a team the organization does not have.
        func checkTeams(in teams: [Team]) throws {
            for slug in teamSlugs ?? [] where !teams.contains(where: { $0.slug == slug }) {
                throw QueryError.invalid("teams", "Invalid team: \(slug.prefix(50))")
            }
        }
    }

    // The API and the dashboard's members page (`MembersPage`) both call these with a body in
    // Sentry's shape and the request's context (`org`, `member` path parameters, the grant).

    func invite(_ body: [String: JSON], _ context: FaultlineRequestContext) async throws -> MemberJSON {
        let grant = try context.require(anyOf: ["member:write", "member:admin"])
        let slug = try context.parameters.require("org")
        guard let email = body["email"]?.string?.trimmingCharacters(in: .whitespaces), !email.isEmpty else {
            throw QueryError.invalid("email", "This field is required.")
        }
        if let problem = UserRepository.emailProblem(email) { throw QueryError.invalid("email", problem) }
        var parsed = try Change.parse(body)
        let role = parsed.role ?? .member
        parsed.role = role
        let change = parsed
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let baseURL = api.baseURL
        let answer = try await api.withConnection { [api] db in
            try db.transaction { tx -> MemberJSON in
                let organization = try api.organization(grant, slug: slug, tx)
                let directory = try MemberDirectory(tx, organization: organization)
                try change.checkTeams(in: directory.teams)
                if let refusal = MemberPolicy.refusal(callerScopes: grant.scopes, current: nil, new: role, owners: 0) {
                    throw QueryError(.forbidden, refusal)
                }
                let (invitation, token): (Invitation, String)
                do {
                    (invitation, token) = try InvitationRepository(tx).create(
                        organizationID: organization.id, email: email, role: role, teamSlugs: change.teamSlugs ?? [],
                        invitedByUserID: grant.userID)
                } catch let error as StoreError where error.kind == .conflict {
                    throw QueryError.invalid("email", error.description)
                }
                try AuditLogRepository(tx).record(organizationID: organization.id, actor, AuditEvent(
                    "member.invite", targetObject: invitation.id,
                    data: ["email": .string(invitation.email), "role": .string(role.rawValue),
                           "teams": .array(invitation.teamSlugs.map(JSON.string))]))
                let link = InvitationMail.link(baseURL: baseURL, token: token)
                InvitationMail.send(invitation, organization: organization.name, link: link)
                return directory.json(invitation, link: link)
            }
        }
        return answer
    }

    func update(_ body: [String: JSON], _ context: FaultlineRequestContext) async throws -> MemberJSON {
        let grant = try context.require(anyOf: ["member:write", "member:admin"])
        let slug = try context.parameters.require("org")
        let reference = try context.parameters.require("member")
        let change = try Change.parse(body)
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let answer = try await api.withConnection { [api] db in
            try db.transaction { tx -> MemberJSON in
                let organization = try api.organization(grant, slug: slug, tx)
                guard let id = try MemberDirectory.memberID(reference, grant: grant, organizationID: organization.id, tx) else {
                    throw QueryError.notFound
                }
                let directory = try MemberDirectory(tx, organization: organization)
                try change.checkTeams(in: directory.teams)
                let users = UserRepository(tx)
                let audit = AuditLogRepository(tx)
                if let member = try users.members(organizationID: organization.id, memberID: id).first {
                    let role = change.role ?? member.role
                    if role != member.role, member.user.id == grant.userID {
                        throw QueryError(.badRequest, "You cannot make changes to your own role.")
                    }
                    if let refusal = MemberPolicy.refusal(callerScopes: grant.scopes, current: member.role, new: role,
                                                          owners: try users.ownerCount(organizationID: organization.id)) {
                        throw QueryError(.forbidden, refusal)
                    }
                    if role != member.role { try users.setMembership(userID: member.user.id, organizationID: organization.id, role: role) }
                    if let slugs = change.teamSlugs {
                        let teams = TeamRepository(tx)
                        try teams.removeFromTeams(userID: member.user.id, organizationID: organization.id)
                        for team in directory.teams where slugs.contains(team.slug) {
                            try teams.addMember(teamID: team.id, userID: member.user.id)
                        }
                    }
                    try audit.record(organizationID: organization.id, actor, AuditEvent(
                        "member.edit", targetObject: member.id, targetUserID: member.user.id,
                        data: ["email": .string(member.user.email), "role": .string(role.rawValue),
                               "teams": change.teamSlugs.map { .array($0.map(JSON.string)) } ?? .null]))
                } else if let invitation = try InvitationRepository(tx).pending(organizationID: organization.id, id: id) {
                    let role = change.role ?? invitation.role
                    if let refusal = MemberPolicy.refusal(callerScopes: grant.scopes, current: invitation.role, new: role, owners: 2) {
                        throw QueryError(.forbidden, refusal)
                    }
                    try InvitationRepository(tx).update(organizationID: organization.id, id: id, role: role, teamSlugs: change.teamSlugs)
                    try audit.record(organizationID: organization.id, actor, AuditEvent(
                        "member.edit", targetObject: id, data: ["email": .string(invitation.email), "role": .string(role.rawValue)]))
                } else {
                    throw QueryError.notFound
                }
                guard let updated = try directory.one(id: id) else { throw QueryError.notFound }
                return updated
            }
        }
        return answer
    }

    func remove(_ context: FaultlineRequestContext) async throws {
        guard let grant = context.grant else { throw QueryError.notAuthenticated }
        let slug = try context.parameters.require("org")
        let reference = try context.parameters.require("member")
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        try await api.withConnection { [api] db in
            try db.transaction { tx in
                let organization = try api.organization(grant, slug: slug, tx)
                guard let id = try MemberDirectory.memberID(reference, grant: grant, organizationID: organization.id, tx) else {
                    throw QueryError.notFound
                }
                let users = UserRepository(tx)
                if let member = try users.members(organizationID: organization.id, memberID: id).first {
                    // Leaving needs no scope; removing someone else needs member:admin.
                    let leaving = member.user.id == grant.userID
                    guard leaving || grant.scopes.contains("member:admin") else { throw QueryError.forbidden }
                    let scopes = leaving ? grant.scopes.union(member.role.scopes) : grant.scopes
                    if let refusal = MemberPolicy.refusal(callerScopes: scopes, current: member.role, new: nil,
                                                          owners: try users.ownerCount(organizationID: organization.id)) {
                        throw QueryError(.forbidden, refusal)
                    }
                    try users.removeMembership(userID: member.user.id, organizationID: organization.id)
                    try AuditLogRepository(tx).record(organizationID: organization.id, actor, AuditEvent(
                        "member.remove", targetObject: member.id, targetUserID: member.user.id,
                        data: ["email": .string(member.user.email)]))
                } else if let invitation = try InvitationRepository(tx).pending(organizationID: organization.id, id: id) {
                    guard grant.scopes.contains("member:write") || grant.scopes.contains("member:admin") else { throw QueryError.forbidden }
                    if let refusal = MemberPolicy.refusal(callerScopes: grant.scopes, current: invitation.role, new: nil, owners: 2) {
                        throw QueryError(.forbidden, refusal)
                    }
                    try InvitationRepository(tx).delete(organizationID: organization.id, id: id)
                    try AuditLogRepository(tx).record(organizationID: organization.id, actor, AuditEvent(
                        "member.remove", targetObject: id, data: ["email": .string(invitation.email), "pending": .bool(true)]))
                } else {
                    throw QueryError.notFound
                }
            }
        }
    }
}
