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

    public init(pool: PGPool, baseURL: String) {
        api = APIContext(pool: pool, baseURL: baseURL)
    }

    public func add(to router: Router<FaultlineRequestContext>) {
        router.get("") { _, _ in Response(status: .seeOther, headers: [.location: "/ui/"]) }
        let ui = router.group("ui").add(middleware: DashboardSession(pool: api.pool, baseURL: api.baseURL))
        ui.get("login") { _, _ in loginPage(nil) }
        ui.post("login") { request, _ in try await login(request) }
        ui.post("logout") { _, _ in
            var response = Response(status: .seeOther, headers: [.location: "/ui/login"])
            response.setCookie(DashboardSession.setCookie(nil))
            return response
        }
        ui.get("") { _, context in try await projects(context) }
        ui.get(":org/:project") { request, context in try await issues(request, context) }
        ui.get(":org/issues/:issue") { _, context in try await issue(context) }
        ui.post(":org/issues/:issue/status") { request, context in try await setStatus(request, context) }
    }

    private func loginPage(_ error: String?) -> Response {
        HTML.page("Sign in", """
            \(error.map { "<p style=\"color:#b00\">\(HTML.escape($0))</p>" } ?? "")
            <form method="post" action="/ui/login">
            <p><label>API token <input type="password" name="token" autocomplete="off"></label></p>
            <p class="muted">Create one with <code>faultline admin create-token ORG</code>.</p>
            <button type="submit">Sign in</button></form>
            """, status: error == nil ? .ok : .unauthorized)
    }

    private func login(_ request: Request) async throws -> Response {
        let token = try await Self.form(LoginForm.self, request)?.token ?? ""
        guard !token.isEmpty, try await api.pool.withConnection({ try AdminStore($0).authenticate(token: token) }) != nil else {
            return loginPage("That token is not valid.")
        }
        var response = Response(status: .seeOther, headers: [.location: "/ui/"])
        response.setCookie(DashboardSession.setCookie(token))
        return response
    }

    private func projects(_ context: FaultlineRequestContext) async throws -> Response {
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
            <form method="post" action="/ui/logout"><p><button>Sign out</button></p></form>
            """)
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
            return HTML.page(slug, "<p>\(HTML.escape(error.detail))</p>", status: .badRequest)
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
            """)
    }

    private func issue(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let org = try context.parameters.require("org")
        let reference = try context.parameters.require("issue")
        let (issue, project, event, tags) = try await api.withConnection { [api] db in
            let (issue, project) = try api.issue(grant, organization: org, reference: reference, db)
            let event = try EventStore(db: db).event(issue: issue, .latest)
            let tags = try RollupRepository(db).topTagValues(issueID: issue.id, perKey: 3).map { ($0.key, $0.value, $0.count) }
            return (issue, project, event, tags)
        }
        let shortID = ShortID.format(projectSlug: project.slug, number: issue.shortID)
        let actions = ["resolved": "Resolve", "ignored": "Ignore", "unresolved": "Unresolve"].sorted { $0.key < $1.key }
            .filter { $0.key != issue.status }
            .map { """
                <form class="inline" method="post" action="/ui/\(HTML.escape(org))/issues/\(issue.id)/status">
                <input type="hidden" name="status" value="\($0.key)"><button>\($0.value)</button></form>
                """ }.joined(separator: " ")
        let tagRows = tags.map { "<tr><td>\(HTML.escape($0.0))</td><td>\(HTML.escape($0.1))</td><td class=\"num\">\($0.2)</td></tr>" }.joined()
        return HTML.page(shortID, """
            <h2>\(HTML.escape(issue.title))</h2>
            <p class="muted">\(HTML.escape(issue.culprit)) · <a href="/ui/\(HTML.escape(org))/\(HTML.escape(project.slug))/">\(HTML.escape(project.name))</a></p>
            <p><span class="status">\(HTML.escape(issue.status))\(issue.substatus.isEmpty ? "" : " · " + HTML.escape(issue.substatus))</span>
            \(issue.timesSeen) events · \(issue.userCount) users · first seen \(HTML.escape(Timestamp.format(issue.firstSeen)))
            · last seen \(HTML.escape(Timestamp.format(issue.lastSeen)))\(issue.lastRelease.map { " · release " + HTML.escape($0) } ?? "")</p>
            <p>\(actions)</p>
            \(event.map(EventHTML.render) ?? "<p class=\"muted\">No stored event.</p>")
            <h3>Tags</h3><table><tr><th>Key</th><th>Value</th><th class="num">Events</th></tr>\(tagRows)</table>
            """)
    }

    private func setStatus(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:write")
        let org = try context.parameters.require("org")
        let reference = try context.parameters.require("issue")
        let change: IssueTriage.StatusChange
        switch try await Self.form(StatusForm.self, request)?.status {
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

    struct LoginForm: Decodable { let token: String? }
    struct StatusForm: Decodable { let status: String? }

    /// An `application/x-www-form-urlencoded` body of at most 16 KiB; nil when it does not decode.
    static func form<Form: Decodable>(_ type: Form.Type, _ request: Request) async throws -> Form? {
        let text = String(buffer: try await request.body.collect(upTo: 16 * 1024))
        // The dashboard's forms have flat keys. A bracketed key (`a[b][c]…`, also percent-encoded)
        // nests one level per pair in the decoder, recursively: refused before it decodes.
        guard !text.contains("["), !text.lowercased().contains("%5b") else { return nil }
        return try? URLEncodedFormDecoder().decode(Form.self, from: text)
    }
}
