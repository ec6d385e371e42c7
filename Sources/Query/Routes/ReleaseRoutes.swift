import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// Releases and deploys, as sentry-cli manages them (`releases new|list|info|finalize|archive|
/// restore|delete`, `releases deploys`). Reading needs `project:read` or `project:releases`,
/// writing `project:releases` or `project:write`. Another organization's release is 404.
struct ReleaseRoutes {
    let api: APIContext

    static let readScopes = ["project:read", "project:releases"]
    static let writeScopes = ["project:releases", "project:write"]
    static let alreadyReported = HTTPResponse.Status(code: 208, reasonPhrase: "Already Reported")

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("organizations/:org/releases") { request, context in try await list(request, context) }
        group.post("organizations/:org/releases") { request, context in try await create(request, context) }
        group.get("organizations/:org/releases/:version") { _, context in try await detail(context) }
        group.put("organizations/:org/releases/:version") { request, context in try await update(request, context) }
        group.delete("organizations/:org/releases/:version") { _, context in try await delete(context) }
        group.get("organizations/:org/releases/:version/deploys") { request, context in try await deploys(request, context) }
        group.post("organizations/:org/releases/:version/deploys") { request, context in try await createDeploy(request, context) }
        group.get("projects/:org/:project/releases") { request, context in try await projectReleases(request, context) }
    }

    /// `query` (part of the version), `project` (ids, repeatable, -1 for all), `status` (open by
    /// default, as in Sentry, or archived), cursor pagination.
    private func list(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.readScopes)
        let org = try context.parameters.require("org")
        let parameters = request.uri.queryParameters
        let (cursor, limit) = try Cursor.page(cursor: parameters["cursor"].map(String.init), perPage: parameters["per_page"].map(String.init))
        let query = SearchQueryParameter.value(request.uri).flatMap { $0.isEmpty ? nil : $0 }
        let status = parameters["status"].map(String.init) ?? "open"
        guard status.isEmpty || ReleaseRequest.statuses.contains(status) else {
            throw QueryError(.badRequest, "invalid value for status")
        }
        let requested = try parameters[values: "project"].map { value throws(QueryError) -> Int64 in
            guard let id = Int64(value) else { throw QueryError(.badRequest, "Invalid project parameter. Values must be numbers.") }
            return id
        }.filter { $0 != -1 }
        let (page, releases) = try await api.withConnection { [api] db in
            let organization = try api.organization(grant, slug: org, db)
            let own = try api.projects(of: organization, db).map(\.id)
            // Projects of another organization are not the caller's to ask about (Sentry: 403).
            guard requested.allSatisfy(own.contains) else { throw QueryError.forbidden }
            let store = ReleaseStore(db: db)
            let page = try store.list(organizationID: organization.id, projectIDs: requested.isEmpty ? own : requested,
                                      query: query, status: status.isEmpty ? nil : status, limit: limit, offset: cursor.offset)
            return (page, try store.json(page.releases))
        }
        return JSONResponse.make(.ok, releases, headers: [.link: link(request, cursor, limit, page.hasMore)])
    }

    /// What `releases list` asks when a project is configured: that project's releases, newest first.
    private func projectReleases(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.readScopes)
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let parameters = request.uri.queryParameters
        let (cursor, limit) = try Cursor.page(cursor: parameters["cursor"].map(String.init), perPage: parameters["per_page"].map(String.init))
        let query = SearchQueryParameter.value(request.uri).flatMap { $0.isEmpty ? nil : $0 }
        let (page, releases) = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
            let store = ReleaseStore(db: db)
            let page = try store.list(organizationID: project.organizationID, projectIDs: [project.id], query: query,
                                      status: nil, limit: limit, offset: cursor.offset)
            return (page, try store.json(page.releases))
        }
        return JSONResponse.make(.ok, releases, headers: [.link: link(request, cursor, limit, page.hasMore)])
    }

    /// 201 when created; 208 when the release existed and no project was added (sentry-cli
    /// accepts both). Projects are slugs or numeric ids of the organization's projects.
    private func create(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.writeScopes)
        let org = try context.parameters.require("org")
        let input = try ReleaseRequest.create(try await RequestBody.object(request))
        let (release, status) = try await api.withConnection { [api] db in
            let organization = try api.organization(grant, slug: org, db)
            let projects = try api.projects(of: organization, db)
            let ids = try input.projects.map { ref throws(QueryError) -> Int64 in
                let match = projects.first { project in
                    switch ref {
                    case .slug(let slug): return project.slug == slug || String(project.id) == slug
                    case .id(let id): return project.id == id
                    }
                }
                guard let match else { throw QueryError.invalid("projects", "Invalid project ids or slugs") }
                return match.id
            }
            let store = ReleaseStore(db: db)
            let result = try store.create(organizationID: organization.id, input, projectIDs: ids)
            let status: HTTPResponse.Status = result.created || result.addedProjects > 0 ? .created : Self.alreadyReported
            return (try store.json([result.release])[0], status)
        }
        return JSONResponse.make(status, release)
    }

    private func detail(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.readScopes)
        let (org, version) = try Self.path(context)
        let release = try await api.withConnection { [api] db in
            let store = ReleaseStore(db: db)
            return try store.json([try Self.find(api, grant, org, version, store, db)])[0]
        }
        return JSONResponse.make(.ok, release)
    }

    /// `dateReleased` finalizes (sentry-cli `releases finalize`); `ref`, `url`, `status` change
    /// those fields; `commits` (`set-commits --local/--auto`) and `refs` replace the release's;
    /// `projects` is accepted and ignored.
    private func update(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.writeScopes)
        let (org, version) = try Self.path(context)
        let input = try ReleaseRequest.update(try await RequestBody.object(request))
        let release = try await api.withConnection { [api] db in
            let store = ReleaseStore(db: db)
            let release = try store.update(try Self.find(api, grant, org, version, store, db), input)
            let commits = CommitRepository(db)
            if let list = input.commits { try commits.setCommits(releaseID: release.id, list) }
            if let refs = input.refs { try commits.setHeadCommits(releaseID: release.id, refs.map { (repository: $0.repository, commit: $0.commit, previous: $0.previous) }) }
            return try store.json([release])[0]
        }
        return JSONResponse.make(.ok, release)
    }

    /// Sentry refuses to delete a release an issue was first seen in.
    private func delete(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.writeScopes)
        let (org, version) = try Self.path(context)
        try await api.withConnection { [api] db in
            let store = ReleaseStore(db: db)
            let release = try Self.find(api, grant, org, version, store, db)
            if try store.isFirstReleaseOfAnIssue(release) {
                throw QueryError(.badRequest, "This release is referenced by active issues and cannot be removed.")
            }
            try store.delete(release)
        }
        return Response(status: .noContent)
    }

    private func deploys(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.readScopes)
        let (org, version) = try Self.path(context)
        let parameters = request.uri.queryParameters
        let (cursor, limit) = try Cursor.page(cursor: parameters["cursor"].map(String.init), perPage: parameters["per_page"].map(String.init))
        let page = try await api.withConnection { [api] db in
            let store = ReleaseStore(db: db)
            return try store.deploys(of: try Self.find(api, grant, org, version, store, db), limit: limit, offset: cursor.offset)
        }
        return JSONResponse.make(.ok, page.deploys.map(DeployJSON.init),
                                 headers: [.link: link(request, cursor, limit, page.hasMore)])
    }

    private func createDeploy(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.writeScopes)
        let (org, version) = try Self.path(context)
        let input = try ReleaseRequest.deploy(try await RequestBody.object(request))
        let deploy = try await api.withConnection { [api] db in
            let store = ReleaseStore(db: db)
            let release = try Self.find(api, grant, org, version, store, db)
            if let named = input.projects {
                let projects = try api.projects(of: try api.organization(grant, slug: org, db), db)
                for ref in named where !projects.contains(where: { project in
                    switch ref {
                    case .slug(let slug): return project.slug == slug
                    case .id(let id): return project.id == id
                    }
                }) {
                    throw QueryError.invalid("projects", "Invalid projects")
                }
            }
            return try store.addDeploy(to: release, input)
        }
        return JSONResponse.make(.created, DeployJSON(deploy))
    }

    /// The organization slug and the release version; path segments arrive percent-encoded
    /// (sentry-cli sends `1.0%2Bb` for `1.0+b`).
    private static func path(_ context: FaultlineRequestContext) throws -> (org: String, version: String) {
        let raw = try context.parameters.require("version")
        return (try context.parameters.require("org"), raw.removingPercentEncoding ?? raw)
    }

    private static func find(_ api: APIContext, _ grant: TokenGrant, _ org: String, _ version: String, _ store: ReleaseStore,
                             _ db: PGConnection) throws -> ReleaseStore.Release {
        let organization = try api.organization(grant, slug: org, db)
        guard let release = try store.release(organizationID: organization.id, version: version) else { throw QueryError.notFound }
        return release
    }

    private func link(_ request: Request, _ cursor: Cursor, _ limit: Int, _ hasMore: Bool) -> String {
        api.link(request, offset: cursor.offset, limit: limit, hasMore: hasMore)
    }
}
