import EventModel
import Foundation
import Hummingbird
import Store
import Web

/// The organization's audit log in the dashboard: the entries `GET …/audit-logs/` answers, with
/// the same scope (`org:write`), 100 a page, newest first.
struct AuditLogPage {
    let api: APIContext
    static let pageSize = 100

    func add(to ui: RouterGroup<FaultlineRequestContext>) {
        ui.get(":org/audit-log") { request, context in try await render(request, context) }
    }

    private func render(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("org:write")
        let slug = try context.parameters.require("org")
        // A bounded offset: past it there is nothing a person pages to.
        let offset = min(max(Int(PageQuery(request.uri.query)["offset"] ?? "") ?? 0, 0), 1_000_000)
        let user = context.user
        let (nav, entries) = try await api.withConnection { [api] db in
            let organization = try api.organization(grant, slug: slug, db)
            let nav = try DashboardRoutes.navigation(user: user, organization: organization, projects: try api.projects(of: organization, db),
                                                     project: nil, section: .membersPage, db)
            return (nav, try AuditLogRepository(db).entries(organizationID: organization.id, offset: offset, limit: Self.pageSize + 1))
        }
        var page: [String: Any] = [
            "org": slug,
            "entries": entries.prefix(Self.pageSize).map { entry -> [String: Any] in
                ["when": Timestamp.format(entry.createdAt), "actor": entry.actorLabel, "ip": entry.ipAddress ?? "",
                 "event": entry.event, "data": entry.data.encodedString()]
            },
        ]
        if entries.count > Self.pageSize { page["next"] = offset + Self.pageSize }
        return HTML.page("\(slug) audit log", template: "auditLog", page, csrf: DashboardRoutes.csrf(request), nav: nav)
    }
}
