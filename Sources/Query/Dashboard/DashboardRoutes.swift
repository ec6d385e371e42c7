import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// A small web dashboard to triage issues: projects, an issue list with search and sparklines,
/// and an issue with its latest event's stack trace, breadcrumbs and tags, with resolve /
/// ignore / unresolve buttons. Server-rendered; reads the same stores as the API and checks the
/// same scopes.
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
        ui.get("") { request, context in try await projects(request, context) }
        ui.get(":org/members") { request, context in try await members(request, context) }
        AlertSettingsPage(api: api).add(to: ui)
        ui.get(":org/:project") { request, context in try await issues(request, context) }
        ui.get(":org/issues/:issue") { request, context in try await issue(request, context) }
        ui.post(":org/issues/:issue/status") { request, context in try await setStatus(request, context) }
        ui.post(":org/issues/:issue/assign") { request, context in try await assign(request, context) }
    }

    /// The CSRF token of a signed-in page (the middleware let the request through with a session cookie).
    static func csrf(_ request: Request) -> String {
        CSRF.token(secret: DashboardSession.cookieValue(request, DashboardSession.cookie) ?? "")
    }

    private func projects(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        guard context.grant != nil || context.user == nil else {
            return HTML.page("No organization", "<p>You are not a member of any organization yet. Ask an owner to invite you.</p>",
                             csrf: Self.csrf(request))
        }
        let grant = try context.require("project:read")
        let rows = try await api.withConnection { [api] db -> (String, [(String, String, Int64)]) in
            let slug = try api.organization(of: grant, db).slug
            let projects = try IssueRepository(db).unresolvedCounts(organizationID: grant.organizationID)
                .map { ($0.projectSlug, $0.projectName, $0.unresolved) }
            return (slug, projects)
        }
        let (org, projects) = rows
        let list = projects.map { slug, name, open in
            "<tr><td><a href=\"/ui/\(HTML.escape(org))/\(HTML.escape(slug))/\">\(HTML.escape(name))</a></td><td class=\"num\">\(open)</td></tr>"
        }.joined()
        return HTML.page(org, """
            <table><tr><th>Project</th><th class="num">Unresolved issues</th></tr>\(list)</table>
            <p><a href="/ui/\(HTML.escape(org))/members">Members and teams</a></p>
            """, csrf: Self.csrf(request))
    }

    private func issues(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let query = request.uri.queryParameters["query"].map(String.init) ?? "is:unresolved"
        let sort = IssueStore.Sort(request.uri.queryParameters["sort"].map(String.init))
        let page: ([IssueRecord], [Int64: [[Int64]]], Project)
        do {
            page = try await api.withConnection { [api] db in
                let project = try api.project(grant, organization: org, project: slug, db)
                var list = IssueStore.ListRequest(projectIDs: [project.id])
                list.filter = try SearchFilterSQL.compile(query, target: .issues, userEmail: grant.userEmail, builder: &list.builder)
                list.sort = sort
                list.limit = 50
                let store = IssueStore(db: db)
                let (records, _) = try store.list(list)
                return (records, try store.stats(issueIDs: records.map(\.id), period: .day), project)
            }
        } catch let error as QueryError where error.status == .badRequest {
            return HTML.page(slug, "<p>\(HTML.escape(error.detail))</p>", status: .badRequest, csrf: Self.csrf(request))
        }
        let (records, stats, project) = page
        let rows = records.map { issue in
            let shortID = ShortID.format(projectSlug: project.slug, number: issue.shortID)
            let counts = (stats[issue.id] ?? []).compactMap { $0.last }
            return """
                <tr><td><a href="/ui/\(HTML.escape(org))/issues/\(issue.id)/">\(HTML.escape(issue.title))</a>
                <div class="muted">\(HTML.escape(shortID)) · \(HTML.escape(issue.culprit))</div></td>
                <td><span class="status">\(HTML.escape(issue.substatus.isEmpty ? issue.status : issue.substatus))</span></td>
                <td>\(HTML.sparkline(counts))</td><td class="num">\(issue.timesSeen)</td><td class="num">\(issue.userCount)</td>
                <td class="muted">\(HTML.escape(Timestamp.format(issue.lastSeen)))</td></tr>
                """
        }.joined()
        let sorts = ["date": "Last seen", "new": "First seen", "freq": "Events", "user": "Users"].sorted { $0.key < $1.key }
            .map { "<option value=\"\($0.key)\"\($0.key == sort.rawValue ? " selected" : "")>\($0.value)</option>" }.joined()
        return HTML.page("\(org) / \(slug)", """
            <form method="get"><input type="text" name="query" value="\(HTML.escape(query))">
            <select name="sort">\(sorts)</select> <button>Search</button></form><p></p>
            <table><tr><th>Issue</th><th>Status</th><th>24h</th><th class="num">Events</th><th class="num">Users</th><th>Last seen</th></tr>
            \(rows.isEmpty ? "<tr><td colspan=\"6\" class=\"muted\">No issues match.</td></tr>" : rows)</table>
            """, csrf: Self.csrf(request))
    }

    private func issue(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let org = try context.parameters.require("org")
        let reference = try context.parameters.require("issue")
        let (issue, project, event, tags, members) = try await api.withConnection { [api] db in
            let (issue, project) = try api.issue(grant, organization: org, reference: reference, db)
            let event = try EventStore(db: db).event(issue: issue, .latest)
            let tags = try RollupRepository(db).topTagValues(issueID: issue.id, perKey: 3).map { ($0.key, $0.value, $0.count) }
            let members = try UserRepository(db).members(organizationID: project.organizationID)
            return (issue, project, event, tags, members)
        }
        let shortID = ShortID.format(projectSlug: project.slug, number: issue.shortID)
        let csrf = Self.csrf(request)
        let actions = ["resolved": "Resolve", "ignored": "Ignore", "unresolved": "Unresolve"].sorted { $0.key < $1.key }
            .filter { $0.key != issue.status }
            .map { """
                <form class="inline" method="post" action="/ui/\(HTML.escape(org))/issues/\(issue.id)/status">\(CSRF.hiddenField(csrf))
                <input type="hidden" name="status" value="\($0.key)"><button>\($0.value)</button></form>
                """ }.joined(separator: " ")
        let assignees = members.map { member in
            let selected = member.user.email.lowercased() == issue.assignedTo?.lowercased() ? " selected" : ""
            return "<option value=\"\(member.user.id)\"\(selected)>\(HTML.escape(member.user.email))</option>"
        }.joined()
        let assignForm = """
            <form class="inline" id="assign" method="post" action="/ui/\(HTML.escape(org))/issues/\(issue.id)/assign">\(CSRF.hiddenField(csrf))
            <label>Assign to <select name="assignee"><option value="">nobody</option>\(assignees)</select></label> <button>Assign</button></form>
            """
        let tagRows = tags.map { "<tr><td>\(HTML.escape($0.0))</td><td>\(HTML.escape($0.1))</td><td class=\"num\">\($0.2)</td></tr>" }.joined()
        return HTML.page(shortID, """
            <h2>\(HTML.escape(issue.title))</h2>
            <p class="muted">\(HTML.escape(issue.culprit)) · <a href="/ui/\(HTML.escape(org))/\(HTML.escape(project.slug))/">\(HTML.escape(project.name))</a></p>
            <p><span class="status">\(HTML.escape(issue.status))\(issue.substatus.isEmpty ? "" : " · " + HTML.escape(issue.substatus))</span>
            \(issue.timesSeen) events · \(issue.userCount) users · first seen \(HTML.escape(Timestamp.format(issue.firstSeen)))
            · last seen \(HTML.escape(Timestamp.format(issue.lastSeen)))\(issue.lastRelease.map { " · release " + HTML.escape($0) } ?? "")</p>
            <p>\(actions)</p>
            <div><span id="assignee">\(issue.assignedTo.map { "Assigned to " + HTML.escape($0) } ?? "Unassigned")</span> · \(assignForm)</div>
            \(event.map(EventHTML.render) ?? "<p class=\"muted\">No stored event.</p>")
            <h3>Tags</h3><table><tr><th>Key</th><th>Value</th><th class="num">Events</th></tr>\(tagRows)</table>
            """, csrf: csrf)
    }

    private func setStatus(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:write")
        let org = try context.parameters.require("org")
        let reference = try context.parameters.require("issue")
        let change: IssueTriage.StatusChange
        switch try await Self.form(request)["status"] {
        case "resolved": change = .resolved
        case "ignored": change = .ignored(.init())
        case "unresolved": change = .unresolved
        default: throw QueryError(.badRequest, "Unknown status")
        }
        let id = try await api.withConnection { [api] db in
            try db.transaction { tx -> Int64 in
                let (issue, _) = try api.issue(grant, organization: org, reference: reference, tx)
                try IssueTriage(tx).setStatus(change, issueIDs: [issue.id], projectIDs: [issue.projectID])
                return issue.id
            }
        }
        return Response(status: .seeOther, headers: [.location: "/ui/\(org)/issues/\(id)/"])
    }

    /// The organization's members with their roles, and its teams with the projects they own.
    private func members(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("member:read")
        let slug = try context.parameters.require("org")
        let (members, teams, projects) = try await api.withConnection { [api] db in
            let organization = try api.organization(grant, slug: slug, db)
            let projects = Dictionary(try api.projects(of: organization, db).map { ($0.id, $0.slug) }, uniquingKeysWith: { first, _ in first })
            return (try UserRepository(db).members(organizationID: organization.id),
                    try TeamRepository(db).teams(organizationID: organization.id), projects)
        }
        let memberRows = members.map { member in
            "<tr><td>\(HTML.escape(member.user.email))</td><td>\(HTML.escape(member.role.name))</td>"
                + "<td class=\"muted\">\(HTML.escape(Timestamp.format(member.createdAt)))</td></tr>"
        }.joined()
        let teamRows = teams.map { team in
            let owned = team.projectIDs.compactMap { projects[$0] }.map(HTML.escape).joined(separator: ", ")
            return "<tr><td>#\(HTML.escape(team.slug))</td><td class=\"num\">\(team.memberCount)</td><td>\(owned)</td></tr>"
        }.joined()
        return HTML.page("\(slug) members", """
            <h3>Members</h3><table id="members"><tr><th>Email</th><th>Role</th><th>Joined</th></tr>\(memberRows)</table>
            <h3>Teams</h3><table id="teams"><tr><th>Team</th><th class="num">Members</th><th>Projects</th></tr>
            \(teams.isEmpty ? "<tr><td colspan=\"3\" class=\"muted\">No teams yet (faultline admin create-team).</td></tr>" : teamRows)</table>
            """, csrf: Self.csrf(request))
    }

    /// Assigns the issue to a member (by user id; empty: nobody), as the API's `assignedTo` does.
    private func assign(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:write")
        let org = try context.parameters.require("org")
        let reference = try context.parameters.require("issue")
        let assignee = try await Self.form(request)["assignee"] ?? ""
        let id = try await api.withConnection { [api] db in
            try db.transaction { tx -> Int64 in
                let (issue, _) = try api.issue(grant, organization: org, reference: reference, tx)
                var email: String?
                if !assignee.isEmpty { email = try IssueAssignee.resolve(assignee, projectIDs: [issue.projectID], tx).0 }
                try IssueRepository(tx).assign(ids: [issue.id], to: email)
                return issue.id
            }
        }
        return Response(status: .seeOther, headers: [.location: "/ui/\(org)/issues/\(id)/"])
    }

    /// The most a dashboard form's body may hold.
    static let formLimit = 16 * 1024

    /// The fields of an `application/x-www-form-urlencoded` body of at most `formLimit` bytes.
    static func form(_ request: Request) async throws -> [String: String] {
        fields(String(buffer: try await request.body.collect(upTo: formLimit))) ?? [:]
    }

    /// The flat fields of a form body (pure, linear): `name=value` pairs split on `&`, `+` and
    /// percent escapes decoded; the first of repeated names wins. A key is taken as it is:
    /// brackets nest nothing. Nil when a name or value is not valid percent-encoded UTF-8.
    static func fields(_ text: String) -> [String: String]? {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else { return nil }
            if result[name] == nil { result[name] = value }
        }
        return result
    }
}
