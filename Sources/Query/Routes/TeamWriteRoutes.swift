import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// Sentry's team writes and team lists:
/// - `POST /api/0/organizations/{org}/teams/` (`team:write`; `slug`, else made from `name`):
///   the creating user joins the team.
/// - `PUT /api/0/teams/{org}/{team}/` (`team:write`: `name`, `slug`), `DELETE` (`team:admin`).
/// - `POST`/`DELETE /api/0/organizations/{org}/members/{id}/teams/{team}/`: joining or leaving
///   oneself needs no scope (Faultline's organizations have Sentry's open membership), adding
///   or removing someone else `team:write`. A pending invitation's teams change the same way.
/// - `POST`/`DELETE /api/0/projects/{org}/{project}/teams/{team}/` (`project:write`).
/// - `GET /api/0/teams/{org}/{team}/members/` and `…/projects/` (`team:read`).
/// Every change is in the audit log (`team.create`, `team.edit`, `team.remove`,
/// `member.join-team`, `member.leave-team`, `project.edit`).
struct TeamWriteRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.post("organizations/:org/teams") { request, context in
            JSONResponse.make(.created, try await create(try await RequestBody.object(request), context))
        }
        group.get("teams/:org/:team") { _, context in try await team(context) }
        group.put("teams/:org/:team") { request, context in try await update(request, context) }
        group.delete("teams/:org/:team") { _, context in try await delete(context) }
        group.get("teams/:org/:team/members") { _, context in try await members(context) }
        group.get("teams/:org/:team/projects") { _, context in try await projects(context) }
        group.post("organizations/:org/members/:member/teams/:team") { _, context in try await membership(context, join: true) }
        group.delete("organizations/:org/members/:member/teams/:team") { _, context in try await membership(context, join: false) }
        group.post("projects/:org/:project/teams/:team") { _, context in try await ownership(context, own: true) }
        group.delete("projects/:org/:project/teams/:team") { _, context in try await ownership(context, own: false) }
    }

    /// Sentry's slug from a team name: lower case, runs of other characters as one `-`, at most 50.
    static func slug(fromName name: String) -> String {
        var slug = ""
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug.append("-")
            }
            if slug.utf8.count >= 50 { break }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug
    }

    /// Also the dashboard's members page's *New team* form.
    func create(_ body: [String: JSON], _ context: FaultlineRequestContext) async throws -> TeamJSON {
        let grant = try context.require(anyOf: ["team:write", "team:admin"])
        let org = try context.parameters.require("org")
        let name = body["name"]?.string.map { String($0.prefix(64)) }
        guard let slug = body["slug"]?.string ?? name.map(Self.slug(fromName:)), !slug.isEmpty else {
            throw QueryError.invalid("slug", "This field is required.")
        }
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let answer = try await api.withConnection { [api] db in
            try db.transaction { tx -> TeamJSON in
                let organization = try api.organization(grant, slug: org, tx)
                let teams = TeamRepository(tx)
                var team: Team
                do {
                    team = try teams.create(organizationID: organization.id, slug: slug, name: name)
                } catch let error as StoreError where error.kind == .conflict {
                    throw QueryError(.conflict, "A team with this slug already exists.")
                } catch let error as StoreError where error.kind == .invalid {
                    throw QueryError.invalid("slug", error.description)
                }
                if let userID = grant.userID {
                    try teams.addMember(teamID: team.id, userID: userID)
                    team = try teams.team(organizationID: organization.id, slug: slug) ?? team
                }
                try AuditLogRepository(tx).record(organizationID: organization.id, actor, AuditEvent(
                    "team.create", targetObject: team.id, data: ["slug": .string(team.slug), "name": .string(team.name)]))
                return TeamJSON(team, isMember: grant.userID != nil, projects: [])
            }
        }
        return answer
    }

    /// The team the path names, in the caller's organization.
    private func team(_ grant: TokenGrant, _ context: FaultlineRequestContext, _ db: PGConnection) throws -> (Organization, Team) {
        let organization = try api.organization(grant, slug: try context.parameters.require("org"), db)
        guard let team = try TeamRepository(db).team(organizationID: organization.id, slug: try context.parameters.require("team")) else {
            throw QueryError.notFound
        }
        return (organization, team)
    }

    private func json(_ team: Team, _ grant: TokenGrant, _ organization: Organization, _ db: PGConnection) throws -> TeamJSON {
        let isMember = try grant.userID.map { try TeamRepository(db).isMember(teamID: team.id, userID: $0) } ?? false
        let projects = try api.projects(of: organization, db).filter { team.projectIDs.contains($0.id) }
        return TeamJSON(team, isMember: isMember, projects: projects)
    }

    private func team(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("team:read")
        let answer = try await api.withConnection { [self] db in
            let (organization, team) = try team(grant, context, db)
            return try json(team, grant, organization, db)
        }
        return JSONResponse.make(.ok, answer)
    }

    private func update(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["team:write", "team:admin"])
        let body = try await RequestBody.object(request)
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let answer = try await api.withConnection { [self] db in
            try db.transaction { tx -> TeamJSON in
                let (organization, team) = try team(grant, context, tx)
                let slug = body["slug"]?.string ?? team.slug
                let name = body["name"]?.string.map { String($0.prefix(64)) } ?? team.name
                do {
                    try TeamRepository(tx).update(teamID: team.id, slug: slug, name: name)
                } catch let error as StoreError where error.kind == .invalid {
                    throw QueryError.invalid("slug", error.description)
                }
                try AuditLogRepository(tx).record(organizationID: organization.id, actor, AuditEvent(
                    "team.edit", targetObject: team.id,
                    data: ["slug": .string(slug), "name": .string(name), "old_slug": .string(team.slug)]))
                guard let updated = try TeamRepository(tx).team(organizationID: organization.id, slug: slug) else {
                    throw QueryError.notFound
                }
                return try json(updated, grant, organization, tx)
            }
        }
        return JSONResponse.make(.ok, answer)
    }

    private func delete(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("team:admin")
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        try await api.withConnection { [self] db in
            try db.transaction { tx in
                let (organization, team) = try team(grant, context, tx)
                try TeamRepository(tx).delete(teamID: team.id)
                try AuditLogRepository(tx).record(organizationID: organization.id, actor, AuditEvent(
                    "team.remove", targetObject: team.id, data: ["slug": .string(team.slug)]))
            }
        }
        return Response(status: .noContent)
    }

    private func members(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("team:read")
        let answer = try await api.withConnection { [self] db -> [MemberJSON] in
            let (organization, team) = try team(grant, context, db)
            let userIDs = Set(try TeamRepository(db).memberUserIDs(teamID: team.id))
            let directory = try MemberDirectory(db, organization: organization)
            let slugs = try TeamRepository(db).teamSlugsByUser(organizationID: organization.id)
            return try UserRepository(db).members(organizationID: organization.id)
                .filter { userIDs.contains($0.user.id) }
                .map { directory.json($0, teamSlugs: slugs[$0.user.id] ?? []) }
        }
        return JSONResponse.make(.ok, answer)
    }

    private func projects(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("team:read")
        let answer = try await api.withConnection { [self] db -> [ProjectJSON] in
            let (organization, team) = try team(grant, context, db)
            return try api.projects(of: organization, db).filter { team.projectIDs.contains($0.id) }.map(ProjectJSON.init)
        }
        return JSONResponse.make(.ok, answer)
    }

    /// Adds a member (or a pending invitation) to the team, or takes them out. 201 when added,
    /// 204 when they were in it already, as Sentry; leaving answers the team (200).
    private func membership(_ context: FaultlineRequestContext, join: Bool) async throws -> Response {
        guard let grant = context.grant else { throw QueryError.notAuthenticated }
        let reference = try context.parameters.require("member")
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let (changed, answer) = try await api.withConnection { [self] db in
            try db.transaction { tx -> (Bool, TeamJSON) in
                let (organization, team) = try team(grant, context, tx)
                guard let id = try MemberDirectory.memberID(reference, grant: grant, organizationID: organization.id, tx) else {
                    throw QueryError.notFound
                }
                let teams = TeamRepository(tx)
                var changed: Bool
                var data: [String: JSON] = ["team": .string(team.slug)]
                var targetUserID: Int64?
                if let member = try UserRepository(tx).members(organizationID: organization.id, memberID: id).first {
                    // Open membership: anyone joins or leaves a team; moving others takes team:write.
                    guard member.user.id == grant.userID || grant.scopes.contains("team:write") else { throw QueryError.forbidden }
                    if join {
                        changed = try !teams.isMember(teamID: team.id, userID: member.user.id)
                        try teams.addMember(teamID: team.id, userID: member.user.id)
                    } else {
                        changed = try teams.removeMember(teamID: team.id, userID: member.user.id)
                    }
                    data["email"] = .string(member.user.email)
                    targetUserID = member.user.id
                } else if let invitation = try InvitationRepository(tx).pending(organizationID: organization.id, id: id) {
                    guard grant.scopes.contains("team:write") || grant.scopes.contains("member:write") else { throw QueryError.forbidden }
                    var slugs = Set(invitation.teamSlugs)
                    changed = join ? slugs.insert(team.slug).inserted : slugs.remove(team.slug) != nil
                    try InvitationRepository(tx).update(organizationID: organization.id, id: id, role: invitation.role,
                                                        teamSlugs: slugs.sorted())
                    data["email"] = .string(invitation.email)
                } else {
                    throw QueryError.notFound
                }
                if changed {
                    try AuditLogRepository(tx).record(organizationID: organization.id, actor, AuditEvent(
                        join ? "member.join-team" : "member.leave-team", targetObject: id, targetUserID: targetUserID, data: .object(data)))
                }
                let updated = try teams.team(organizationID: organization.id, slug: team.slug) ?? team
                return (changed, try json(updated, grant, organization, tx))
            }
        }
        if join && !changed { return Response(status: .noContent) }
        return JSONResponse.make(join ? .created : .ok, answer)
    }

    /// The team comes to own the project, or no longer does; answers the project (201 / 200).
    private func ownership(_ context: FaultlineRequestContext, own: Bool) async throws -> Response {
        let grant = try context.require(anyOf: ["project:write", "project:admin"])
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let answer = try await api.withConnection { [self] db in
            try db.transaction { tx -> ProjectJSON in
                let (organization, team) = try team(grant, context, tx)
                guard let project = try AdminStore(tx).project(organizationID: organization.id,
                                                               slug: try context.parameters.require("project")) else {
                    throw QueryError.notFound
                }
                let changed: Bool
                if own {
                    changed = !team.projectIDs.contains(project.id)
                    try TeamRepository(tx).addProject(teamID: team.id, projectID: project.id)
                } else {
                    changed = try TeamRepository(tx).removeProject(teamID: team.id, projectID: project.id)
                }
                if changed {
                    try AuditLogRepository(tx).record(organizationID: organization.id, actor, AuditEvent(
                        "project.edit", targetObject: project.id,
                        data: ["slug": .string(project.slug), own ? "team_added" : "team_removed": .string(team.slug)]))
                }
                return ProjectJSON(project)
            }
        }
        return JSONResponse.make(own ? .created : .ok, answer)
    }
}
