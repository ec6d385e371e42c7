import Artifacts
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
    /// What uploads may be (chunk sizes, file sizes, the organization quota).
    var artifacts = ArtifactLimits()
    /// Where uploaded bytes go.
    var blobs: any BlobStore = PostgresBlobStore()

    func organization(_ grant: TokenGrant, slug: String, _ db: PGConnection) throws -> Organization {
        guard let organization = try AdminStore(db).organization(id: grant.organizationID, slug: slug) else { throw QueryError.notFound }
        return organization
    }

    /// The token's own organization.
    func organization(of grant: TokenGrant, _ db: PGConnection) throws -> Organization {
        guard let organization = try AdminStore(db).organization(id: grant.organizationID) else { throw QueryError.notFound }
        return organization
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

    /// The request's `limit=` clamped to 1…`maximum` (`fallback` when absent or not a number).
    static func limit(_ request: Request, default fallback: Int, maximum: Int) -> Int {
        min(maximum, max(1, request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? fallback))
    }

    /// The `Link` header of a page of this request's list.
    func link(_ request: Request, offset: Int, limit: Int, hasMore: Bool) -> String {
        Cursor.linkHeader(url: Cursor.pageURL(base: baseURL, path: request.uri.path, query: request.uri.query),
                          offset: offset, limit: limit, hasMore: hasMore)
    }

    func project(_ grant: TokenGrant, organization slug: String, project projectSlug: String, _ db: PGConnection) throws -> Project {
        let organization = try organization(grant, slug: slug, db)
        guard let project = try AdminStore(db).project(organizationID: organization.id, slug: projectSlug) else { throw QueryError.notFound }
        return project
    }

    func projects(of organization: Organization, _ db: PGConnection) throws -> [Project] {
        try AdminStore(db).projects(organizationID: organization.id)
    }

    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await pool.withConnection(body)
    }
}
