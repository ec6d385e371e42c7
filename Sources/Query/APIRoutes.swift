import EventModel
import Foundation
import Hummingbird
import Logging
import Postgres
import Store
import Web

/// Sentry's web API under `/api/0/`, read from the tables the processor maintains.
public struct APIRoutes: Sendable {
    let pool: PGPool
    let baseURL: String

    public init(pool: PGPool, baseURL: String) {
        self.pool = pool
        self.baseURL = baseURL
    }

    public func add(to router: Router<FaultlineRequestContext>) {
        let api = router.group("api/0").add(middleware: TokenAuthMiddleware(pool: pool))
        api.get("") { _, context in try await index(context) }
        api.get("organizations") { _, context in try await organizations(context) }
        api.get("projects/:org/:project/issues") { request, context in try await projectIssues(request, context) }
        api.get("projects/:org/:project/dead-letters") { request, context in try await deadLetters(request, context) }
    }

    private func index(_ context: FaultlineRequestContext) async throws -> Response {
        guard let grant = context.grant else { throw QueryError.notAuthenticated }
        struct Auth: Encodable { let scopes: [String] }
        struct Index: Encodable { let version: String; let auth: Auth; let user: String? }
        return JSONResponse.make(.ok, Index(version: "0", auth: Auth(scopes: grant.scopes.sorted()), user: nil))
    }

    private func organizations(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("org:read")
        let org = try await pool.withConnection { db in
            try db.query("SELECT id, slug, name, created_at FROM organizations WHERE id = $1", [grant.organizationID]).first.map { row in
                OrganizationJSON(id: String(try row.int("id")), slug: try row.string("slug"), name: try row.string("name"),
                                 dateCreated: Timestamp.format(try row.date("created_at")))
            }
        }
        return JSONResponse.make(.ok, org.map { [$0] } ?? [OrganizationJSON]())
    }

    private func projectIssues(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let orgSlug = try context.parameters.require("org")
        let projectSlug = try context.parameters.require("project")
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
        let baseURL = self.baseURL
        let page = try await pool.withConnection { db -> IssueStore.Page? in
            let store = IssueStore(db: db)
            guard let project = try store.project(organizationID: grant.organizationID, organizationSlug: orgSlug,
                                                  projectSlug: projectSlug) else { return nil }
            return try store.list(projectID: project.id,
                                  filter: .init(statuses: query.statuses, text: query.text, since: since),
                                  sort: sort, limit: limit, offset: cursor.offset, baseURL: baseURL,
                                  organizationSlug: orgSlug)
        }
        guard let page else { throw QueryError.notFound }
        let url = "\(baseURL)/api/0/projects/\(orgSlug)/\(projectSlug)/issues/?limit=\(limit)"
        let link = Cursor.linkHeader(url: url, offset: cursor.offset, limit: limit, hasMore: page.hasMore)
        return JSONResponse.make(.ok, page.issues, headers: [.link: link])
    }
}

extension APIRoutes {
    /// Faultline's own endpoint (Sentry has none): the messages the processor skipped for a
    /// project, newest first, with the reason. The payload itself is not returned (it may hold
    /// unscrubbed data); operators read it from the `dead_letters` table.
    private func deadLetters(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("project:read")
        let orgSlug = try context.parameters.require("org")
        let projectSlug = try context.parameters.require("project")
        let limit = min(100, max(1, request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 25))
        let letters = try await pool.withConnection { db -> [DeadLetterJSON]? in
            guard let project = try IssueStore(db: db).project(organizationID: grant.organizationID, organizationSlug: orgSlug,
                                                             projectSlug: projectSlug) else { return nil }
            return try db.query("""
                SELECT id, topic, partition, kafka_offset, reason, octet_length(payload) AS size, created_at
                FROM dead_letters WHERE project_id = $1 ORDER BY id DESC LIMIT $2
                """, [project.id, limit]).rows.map { row in
                DeadLetterJSON(id: String(try row.int("id")), topic: try row.string("topic"),
                               partition: try row.int("partition"), offset: try row.int("kafka_offset"),
                               reason: try row.string("reason"), size: try row.int("size"),
                               dateCreated: Timestamp.format(try row.date("created_at")))
            }
        }
        guard let letters else { throw QueryError.notFound }
        return JSONResponse.make(.ok, letters)
    }
}

struct DeadLetterJSON: Encodable, Sendable {
    let id: String
    let topic: String
    let partition: Int64
    let offset: Int64
    let reason: String
    let size: Int64
    let dateCreated: String
}

struct OrganizationJSON: Encodable, Sendable {
    let id: String
    let slug: String
    let name: String
    let dateCreated: String
}
