import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// Sentry's team lists: `GET /api/0/organizations/{org}/teams/` (`team:read`, each team with the
/// projects it owns) and `GET /api/0/projects/{org}/{project}/teams/` (`project:read`). Teams are
/// made and changed through `TeamWriteRoutes` or `faultline admin create-team`.
struct TeamRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("organizations/:org/teams") { _, context in try await organizationTeams(context) }
        group.get("projects/:org/:project/teams") { _, context in try await projectTeams(context) }
    }

    private func organizationTeams(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("team:read")
        let slug = try context.parameters.require("org")
        let teams = try await api.withConnection { [api] db -> [TeamJSON] in
            let organization = try api.organization(grant, slug: slug, db)
            let projects = Dictionary(try api.projects(of: organization, db).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let mine = try grant.userID.map { try TeamRepository(db).teamSlugs(userID: $0, organizationID: organization.id) } ?? []
            return try TeamRepository(db).teams(organizationID: organization.id).map {
                TeamJSON($0, isMember: mine.contains($0.slug), projects: $0.projectIDs.compactMap { projects[$0] })
            }
        }
        return JSONResponse.make(.ok, teams, headers: [.link: Cursor.linkHeader(
            url: "\(api.baseURL)/api/0/organizations/\(slug)/teams/?", offset: 0, limit: max(1, teams.count), hasMore: false)])
    }

    private func projectTeams(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("project:read")
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let teams = try await api.withConnection { [api] db -> [TeamJSON] in
            let project = try api.project(grant, organization: org, project: slug, db)
            let mine = try grant.userID.map { try TeamRepository(db).teamSlugs(userID: $0, organizationID: project.organizationID) } ?? []
            return try TeamRepository(db).teams(organizationID: project.organizationID, projectID: project.id).map {
                TeamJSON($0, isMember: mine.contains($0.slug), projects: nil)
            }
        }
        return JSONResponse.make(.ok, teams)
    }
}

/// Sentry's team serializer (with `projects` in the organization's list).
struct TeamJSON: Encodable, Sendable {
    struct Avatar: Encodable, Sendable { let avatarType = "letter_avatar" }
    let id: String
    let slug: String
    let name: String
    let dateCreated: String
    let isMember: Bool
    let hasAccess = true
    let isPending = false
    let memberCount: Int64
    let avatar = Avatar()
    let projects: [ProjectJSON]?

    init(_ team: Team, isMember: Bool, projects: [Project]?) {
        id = String(team.id)
        slug = team.slug
        name = team.name
        dateCreated = Timestamp.format(team.createdAt)
        self.isMember = isMember
        memberCount = team.memberCount
        self.projects = projects?.map(ProjectJSON.init)
    }
}
