import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// The issue stream, of one project (`/ui/ORG/PROJECT/`) or of the whole organization
/// (`/ui/ORG/issues/`): the API's search (`SearchFilterSQL`, the same `IssueStore.list`), status
/// tabs, sort, environment and period, cursor pages, and the bulk triage form. A search that does
/// not parse gives the page again with the error beside its search box.
struct IssueStreamPage {
    let api: APIContext
    static let pageSize = 25

    func render(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let org = try context.parameters.require("org")
        let projectSlug = context.parameters.get("project")
        let parameters = PageQuery(request.uri.query)
        let query = parameters["query"] ?? "is:unresolved"
        let sort = IssueStore.Sort(parameters["sort"])
        let environment = parameters["environment"] ?? ""
        let period = parameters["statsPeriod"] ?? ""
        let cursor = try Cursor.parse(parameters["cursor"])
        let sparkPeriod: StatsPeriod = ["7d", "14d", "30d", "90d"].contains(period) ? .fortnight : .day
        // An unknown period is "any time", as an unknown sort is "last seen".
        let since = ((try? PeriodParameter.statsPeriod(period.isEmpty ? nil : period)) ?? nil).map { Date().addingTimeInterval(-$0) }
        let user = context.user
        let csrf = DashboardRoutes.csrf(request)

        struct Loaded: @unchecked Sendable {
            var nav: Navigation
            var projects: [Project]
            var environments: [String]
            var assignees: [(String, String)]
            var page: Result<([IssueRecord], Bool, [Int64: [[Int64]]]), QueryError>
        }
        let loaded = try await api.withConnection { [api] db -> Loaded in
            let organization = try api.organization(grant, slug: org, db)
            let all = try api.projects(of: organization, db)
            let projects: [Project]
            if let projectSlug {
                guard let project = all.first(where: { $0.slug == projectSlug }) else { throw QueryError.notFound }
                projects = [project]
            } else {
                projects = all
            }
            let nav = try DashboardRoutes.navigation(user: user, organization: organization, projects: all,
                                                     project: projectSlug, section: .issues, db)
            let environments = try IssueRepository(db).environments(projectIDs: projects.map(\.id), limit: 100)
            let assignees = try DashboardRoutes.assignees(organizationID: organization.id, db)
            var list = IssueStore.ListRequest(projectIDs: projects.map(\.id))
            let page: Result<([IssueRecord], Bool, [Int64: [[Int64]]]), QueryError>
            do {
                list.filter = try SearchFilterSQL.compile(query, target: .issues, userEmail: grant.userEmail, builder: &list.builder)
                list.sort = sort
                list.since = since
                list.environments = environment.isEmpty ? [] : [environment]
                list.limit = Self.pageSize
                list.offset = cursor.offset
                let store = IssueStore(db: db)
                let (records, more) = try store.list(list)
                page = .success((records, more, try store.stats(issueIDs: records.map(\.id), period: sparkPeriod)))
            } catch let error as QueryError where error.status == .badRequest {
                page = .failure(error)
            }
            return Loaded(nav: nav, projects: projects, environments: environments, assignees: assignees, page: page)
        }

        let path = "/ui/\(org)/\(projectSlug ?? "issues")/"
        let kept: [(String, String)] = [("query", query), ("sort", sort.rawValue == "date" ? "" : sort.rawValue),
                                        ("environment", environment), ("statsPeriod", period)]
        func link(_ pairs: [(String, String)]) -> String {
            let text = FormEncoding.query(pairs)
            return text.isEmpty ? path : path + "?" + text
        }
        let currentTab = StreamFilters.currentTab(query)
        var page: [String: Any] = [
            "heading": projectSlug.map { slug in loaded.projects.first?.name ?? slug } ?? "All issues of \(org)",
            "path": path, "org": org, "query": query, "csrf": csrf,
            "sorts": StreamFilters.sorts.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == sort.rawValue] },
            "periods": StreamFilters.periods.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == period] },
            "environments": loaded.environments.map { ["name": $0, "selected": $0 == environment] },
            "tabs": StreamFilters.tabs.enumerated().map { index, tab in
                ["label": tab.label, "current": index == currentTab,
                 "href": link([("query", StreamFilters.query(query, tab: tab))] + kept.dropFirst())] as [String: Any]
            },
            "assignees": loaded.assignees.map { ["value": $0.0, "label": $0.1] },
            "returnTo": link(kept + [("cursor", cursor.offset == 0 ? "" : cursor.text)]),
        ]
        switch loaded.page {
        case .failure(let error):
            page["error"] = error.detail
            return HTML.page(org, template: "stream", page, status: .badRequest, csrf: csrf, nav: loaded.nav)
        case .success(let (records, more, stats)):
            let slugs = Dictionary(loaded.projects.map { ($0.id, $0.slug) }, uniquingKeysWith: { first, _ in first })
            let label = sparkPeriod == .day ? "events per hour, last 24 hours" : "events per day, last 14 days"
            page["rows"] = records.map { issue -> [String: Any] in
                var row: [String: Any] = [
                    "id": issue.id, "title": issue.title, "culprit": issue.culprit, "level": issue.level,
                    "shortID": ShortID.format(projectSlug: slugs[issue.projectID] ?? "", number: issue.shortID),
                    "firstSeen": Timestamp.format(issue.firstSeen), "lastSeen": Timestamp.format(issue.lastSeen),
                    "events": issue.timesSeen, "users": issue.userCount,
                    "sparkline": SVGChart.sparkline((stats[issue.id] ?? []).compactMap { $0.last }, label: label),
                ]
                if !issue.substatus.isEmpty || issue.status != "unresolved" {
                    row["substatus"] = issue.status == "unresolved" ? issue.substatus : issue.status
                }
                if let release = issue.lastRelease { row["release"] = release }
                if let assignee = issue.assignedTo { row["assignedTo"] = assignee }
                return row
            }
            if cursor.offset > 0 { page["previous"] = link(kept + [("cursor", Cursor(offset: cursor.offset - Self.pageSize).text)]) }
            if more { page["next"] = link(kept + [("cursor", Cursor(offset: cursor.offset + Self.pageSize).text)]) }
            return HTML.page(projectSlug.map { "\(org) / \($0)" } ?? org, template: "stream", page, csrf: csrf, nav: loaded.nav)
        }
    }
}
