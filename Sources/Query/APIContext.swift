import Foundation
import Hummingbird
import Postgres
import Store

/// What every route needs: the database, the public base URL, and the lookups that scope a
/// request to the caller's organization. Another organization's objects are "not found" (404),
/// never "forbidden", so a token learns nothing about what exists elsewhere.
struct APIContext: Sendable {
    let pool: PGPool
    let baseURL: String

    struct Organization: Sendable {
        let id: Int64
        let slug: String
        let name: String
        let createdAt: Date
    }

    struct Project: Sendable {
        let id: Int64
        let slug: String
        let name: String
        let platform: String?
        let createdAt: Date
        let organization: Organization
    }

    func organization(_ grant: TokenGrant, slug: String, _ db: PGConnection) throws -> Organization {
        let rows = try db.query("SELECT id, slug, name, created_at FROM organizations WHERE id = $1 AND slug = $2",
                                [grant.organizationID, slug])
        guard let row = rows.first else { throw QueryError.notFound }
        return Organization(id: try row.int("id"), slug: try row.string("slug"), name: try row.string("name"),
                            createdAt: try row.date("created_at"))
    }

    /// The token's own organization.
    func organization(of grant: TokenGrant, _ db: PGConnection) throws -> Organization {
        guard let row = try db.query("SELECT slug FROM organizations WHERE id = $1", [grant.organizationID]).first else {
            throw QueryError.notFound
        }
        return try organization(grant, slug: try row.string("slug"), db)
    }

    /// An issue by numeric id or short id within the organization named (or the token's own), with its project.
    func issue(_ grant: TokenGrant, organization slug: String?, reference: String,
               _ db: PGConnection) throws -> (IssueRecord, Project) {
        let organization = try slug.map { try self.organization(grant, slug: $0, db) } ?? organization(of: grant, db)
        let projects = try projects(of: organization, db)
        guard let issue = try IssueStore(db: db).issue(reference, projects: projects.map { ($0.id, $0.slug) }),
              let project = projects.first(where: { $0.id == issue.projectID }) else { throw QueryError.notFound }
        return (issue, project)
    }

    /// The `Link` header of a page of this request's list.
    func link(_ request: Request, offset: Int, limit: Int, hasMore: Bool) -> String {
        Cursor.linkHeader(url: Cursor.pageURL(base: baseURL, path: request.uri.path, query: request.uri.query),
                          offset: offset, limit: limit, hasMore: hasMore)
    }

    func project(_ grant: TokenGrant, organization slug: String, project projectSlug: String, _ db: PGConnection) throws -> Project {
        let organization = try organization(grant, slug: slug, db)
        let rows = try db.query("SELECT id, slug, name, platform, created_at FROM projects WHERE organization_id = $1 AND slug = $2",
                                [organization.id, projectSlug])
        guard let row = rows.first else { throw QueryError.notFound }
        return Project(id: try row.int("id"), slug: try row.string("slug"), name: try row.string("name"),
                       platform: try row.optionalString("platform"), createdAt: try row.date("created_at"),
                       organization: organization)
    }

    func projects(of organization: Organization, _ db: PGConnection) throws -> [Project] {
        try db.query("SELECT id, slug, name, platform, created_at FROM projects WHERE organization_id = $1 ORDER BY slug",
                     [organization.id]).rows.map { row in
            Project(id: try row.int("id"), slug: try row.string("slug"), name: try row.string("name"),
                    platform: try row.optionalString("platform"), createdAt: try row.date("created_at"),
                    organization: organization)
        }
    }

    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await pool.withConnection(body)
    }
}
