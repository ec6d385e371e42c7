import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// The web dashboard to triage issues: projects, the issue stream, an issue with its events,
/// members. Server-rendered from the mustache templates in `Templates/`; reads the same stores
/// as the API, applies triage through the API's own update path, and checks the same scopes.
public struct DashboardRoutes: Sendable {
    let api: APIContext
    let session: DashboardSession
    let gate = SignInGate()

    public init(pool: PGPool, baseURL: String) {
        self.init(pool: pool, baseURL: baseURL, lifetime: .standard)
    }

    public init(pool: PGPool, baseURL: String, lifetime: SessionLifetime) {
        api = APIContext(pool: pool, baseURL: baseURL)
        session = DashboardSession(pool: pool, baseURL: baseURL, lifetime: lifetime)
    }

    public func add(to router: Router<FaultlineRequestContext>) {
        router.get("") { _, _ in Response(status: .seeOther, headers: [.location: "/ui/"]) }
        let ui = router.group("ui").add(middleware: session)
        let account = AccountRoutes(api: api, session: session, gate: gate)
        account.add(to: ui)
        InvitationRoutes(api: api, session: session, account: account).add(to: ui)
        let stream = IssueStreamPage(api: api), issue = IssuePage(api: api), actions = IssueActions(api: api)
        ui.get("") { request, context in try await projects(request, context) }
        MembersPage(api: api).add(to: ui)
        AuditLogPage(api: api).add(to: ui)
        ui.get(":org/issues") { request, context in try await stream.render(request, context) }
        ui.post(":org/issues/bulk") { request, context in try await actions.bulk(request, context) }
        AlertSettingsPage(api: api).add(to: ui)
        ui.get(":org/:project") { request, context in try await stream.render(request, context) }
        ui.get(":org/issues/:issue") { request, context in try await issue.render(request, context) }
        ui.get(":org/issues/:issue/events") { request, context in try await issue.events(request, context) }
        ui.get(":org/issues/:issue/events/:event/json") { _, context in try await issue.rawJSON(context) }
        ui.post(":org/issues/:issue/status") { request, context in try await actions.setStatus(request, context) }
        ui.post(":org/issues/:issue/assign") { request, context in try await actions.assign(request, context) }
        ui.post(":org/issues/:issue/comments") { request, context in try await actions.comment(request, context) }
    }

    /// The CSRF token of a signed-in page (the middleware let the request through with a session cookie).
    static func csrf(_ request: Request) -> String {
        CSRF.token(secret: DashboardSession.cookieValue(request, DashboardSession.cookie) ?? "")
    }

    /// The header's navigation: the user's organizations (from their memberships) and the projects of this one.
    static func navigation(user: User?, organization: Organization, projects: [Project], project: String?,
                           section: Navigation.Section, _ db: PGConnection) throws -> Navigation {
        let orgs = try user.map { try UserRepository(db).memberships(userID: $0.id).map(\.organizationSlug) } ?? [organization.slug]
        return Navigation(org: organization.slug, project: project, orgs: orgs,
                          projects: projects.map { ($0.slug, $0.name) }, section: section)
    }

    /// Whom an issue of the organization can be assigned to: members (value: user id, label:
    /// email) and teams (`team:slug`), as the API's `assignedTo` takes them.
    static func assignees(organizationID: Int64, _ db: PGConnection) throws -> [(String, String)] {
        let members = try UserRepository(db).members(organizationID: organizationID).map { (String($0.user.id), $0.user.email) }
        let teams = try TeamRepository(db).teams(organizationID: organizationID).map { ("team:\($0.slug)", "#\($0.slug)") }
        return members + teams
    }

    private func projects(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        guard context.grant != nil || context.user == nil else {
            return HTML.page("No organization", DashboardTemplates.render("message", [
                "heading": "No organization", "text": "You are not a member of any organization yet. Ask an owner to invite you.",
            ]), csrf: Self.csrf(request))
        }
        let grant = try context.require("project:read")
        let user = context.user
        let (nav, rows) = try await api.withConnection { [api] db -> (Navigation, [[String: String]]) in
            let organization = try api.organization(of: grant, db)
            let nav = try Self.navigation(user: user, organization: organization, projects: try api.projects(of: organization, db),
                                          project: nil, section: .projectsPage, db)
            let rows = try IssueRepository(db).unresolvedCounts(organizationID: grant.organizationID)
                .map { ["slug": $0.projectSlug, "name": $0.projectName, "unresolved": String($0.unresolved)] }
            return (nav, rows)
        }
        return HTML.page(nav.org, template: "projects", ["org": nav.org, "rows": rows], csrf: Self.csrf(request), nav: nav)
    }

    /// The most a dashboard form's body may hold.
    static let formLimit = 16 * 1024

    /// The fields of an `application/x-www-form-urlencoded` body of at most `formLimit` bytes.
    static func form(_ request: Request) async throws -> [String: String] {
        fields(String(buffer: try await request.body.collect(upTo: formLimit))) ?? [:]
    }

    /// The flat fields of a form body: the first of repeated names wins, a key is taken as it is
    /// (brackets nest nothing). Nil when a name or value is not valid percent-encoded UTF-8.
    static func fields(_ text: String) -> [String: String]? {
        guard let pairs = FormEncoding.pairs(text) else { return nil }
        var result: [String: String] = [:]
        for (name, value) in pairs where result[name] == nil { result[name] = value }
        return result
    }

    /// Every field of a form body, repeated names kept (the bulk form's `id`s).
    static func formPairs(_ request: Request) async throws -> PageQuery {
        PageQuery(String(buffer: try await request.body.collect(upTo: formLimit)))
    }
}
