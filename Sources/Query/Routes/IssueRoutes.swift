import EventModel
import Foundation
import Hummingbird
import Web

/// Issue lists of a project and of an organization, bulk changes, and one issue's details.
struct IssueRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("projects/:org/:project/issues") { request, context in try await projectIssues(request, context) }
    }

    private func projectIssues(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let parameters = request.uri.queryParameters
        let query = try IssueQuery.parse(parameters["query"].map(String.init))
        let period = try IssueQuery.period(parameters["statsPeriod"].map(String.init) ?? "14d")
        let limit = min(100, max(1, parameters["limit"].flatMap { Int(String($0)) } ?? 25))
        let cursorText = parameters["cursor"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        guard let cursor = cursorText.map(Cursor.init) ?? Cursor(offset: 0) else {
            throw QueryError(.badRequest, "Invalid cursor parameter.")
        }
        let sort = parameters["sort"].map(String.init) ?? "date"
        let since = period.map { Date().addingTimeInterval(-$0) }
        let baseURL = api.baseURL
        let page = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
            return try IssueStore(db: db).list(projectID: project.id,
                                               filter: .init(statuses: query.statuses, text: query.text, since: since),
                                               sort: sort, limit: limit, offset: cursor.offset, baseURL: baseURL,
                                               organizationSlug: org)
        }
        let url = "\(baseURL)/api/0/projects/\(org)/\(slug)/issues/?limit=\(limit)"
        let link = Cursor.linkHeader(url: url, offset: cursor.offset, limit: limit, hasMore: page.hasMore)
        return JSONResponse.make(.ok, page.issues, headers: [.link: link])
    }
}
