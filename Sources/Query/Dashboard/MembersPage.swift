import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// The organization's members, pending invitations and teams, with the forms that manage them:
/// invite (the one-time link is shown once, until Faultline sends mail), change a member's role
/// and teams, remove a member or withdraw an invitation, create a team. Each form becomes the
/// API's body and goes through the same `MemberWriteRoutes` / `TeamWriteRoutes` code as Sentry's
/// endpoints, so the role rules (`MemberPolicy`), scopes and audit entries are the API's.
struct MembersPage {
    let api: APIContext

    func add(to ui: RouterGroup<FaultlineRequestContext>) {
        ui.get(":org/members") { request, context in try await render(request, context) }
        ui.post(":org/members/invite") { request, context in try await invite(request, context) }
        ui.post(":org/members/:member/edit") { request, context in try await edit(request, context) }
        ui.post(":org/members/:member/remove") { _, context in try await remove(context) }
        ui.post(":org/teams/new") { request, context in try await createTeam(request, context) }
    }

    func render(_ request: Request, _ context: FaultlineRequestContext, inviteLink: String? = nil) async throws -> Response {
        let grant = try context.require("member:read")
        let slug = try context.parameters.require("org")
        let user = context.user
        let (nav, members, teams, projectSlugs) = try await api.withConnection { [api] db in
            let organization = try api.organization(grant, slug: slug, db)
            let all = try api.projects(of: organization, db)
            let nav = try DashboardRoutes.navigation(user: user, organization: organization, projects: all, project: nil,
                                                     section: .membersPage, db)
            let directory = try MemberDirectory(db, organization: organization)
            return (nav, try directory.all(), directory.teams, directory.projectSlugs)
        }
        let canEdit = grant.scopes.contains("member:write") || grant.scopes.contains("member:admin")
        let canRemove = grant.scopes.contains("member:admin")
        let csrf = DashboardRoutes.csrf(request)
        func roleOptions(_ selected: String) -> [[String: Any]] {
            Role.allCases.map { ["value": $0.rawValue, "label": $0.name, "selected": $0.rawValue == selected] }
        }
        func teamOptions(_ selected: [String]) -> [[String: Any]] {
            teams.map { ["value": $0.slug, "selected": selected.contains($0.slug)] }
        }
        var page: [String: Any] = [
            "org": slug, "csrf": csrf, "hasTeams": !teams.isEmpty, "canAudit": grant.scopes.contains("org:write"), "canEdit": canEdit, "canTeams": grant.scopes.contains("team:write") || grant.scopes.contains("team:admin"),
            "inviteRoles": roleOptions("member"), "inviteTeams": teamOptions([]),
            "members": members.map { member -> [String: Any] in
                ["id": member.id, "email": member.email, "role": member.roleName, "pending": member.pending, "expired": member.expired,
                 "teams": member.teams.map { "#" + $0 }.joined(separator: ", "), "joined": member.dateCreated,
                 "roles": roleOptions(member.orgRole), "teamOptions": teamOptions(member.teams),
                 "canRemove": canRemove || (member.pending && canEdit)]
            },
            "teams": teams.map { team in
                ["slug": team.slug, "count": team.memberCount,
                 "projects": team.projectIDs.compactMap { projectSlugs[$0] }.joined(separator: ", ")] as [String: Any]
            },
        ]
        if let inviteLink { page["inviteLink"] = inviteLink }
        return HTML.page("\(slug) members", template: "members", page, csrf: csrf, nav: nav)
    }

    private func invite(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let fields = try await DashboardRoutes.formPairs(request)
        let body: [String: JSON] = ["email": .string(fields["email"] ?? ""), "orgRole": .string(fields["role"] ?? "member"),
                                    "teams": .array(fields.all("teams").map(JSON.string))]
        let invited = try await MemberWriteRoutes(api: api).invite(body, context)
        return try await render(request, context, inviteLink: invited.inviteLink)
    }

    private func edit(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let fields = try await DashboardRoutes.formPairs(request)
        var body: [String: JSON] = ["teams": .array(fields.all("teams").map(JSON.string))]
        if let role = fields["role"] { body["orgRole"] = .string(role) }
        _ = try await MemberWriteRoutes(api: api).update(body, context)
        return try back(context)
    }

    private func remove(_ context: FaultlineRequestContext) async throws -> Response {
        try await MemberWriteRoutes(api: api).remove(context)
        return try back(context)
    }

    private func createTeam(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let fields = try await DashboardRoutes.form(request)
        _ = try await TeamWriteRoutes(api: api).create(["slug": .string(fields["slug"] ?? "")], context)
        return try back(context)
    }

    private func back(_ context: FaultlineRequestContext) throws -> Response {
        Response(status: .seeOther, headers: [.location: "/ui/\(try context.parameters.require("org"))/members"])
    }
}
