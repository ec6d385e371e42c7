import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// What `releases set-commits` and `repos list` need besides the release update itself, and
/// Sentry's suspect commits of an event (`…/events/{id}/committers/`): the newest commit of the
/// event's release that touched one of its in-app frames' files.
struct CommitRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("organizations/:org/releases/:version/commits") { request, context in try await commits(request, context) }
        group.get("projects/:org/:project/releases/:version/commits") { request, context in try await commits(request, context) }
        group.get("organizations/:org/releases/:version/previous-with-commits") { _, context in try await previous(context) }
        group.get("organizations/:org/repos") { request, context in try await repositories(request, context) }
        group.post("organizations/:org/repos") { request, context in try await addRepository(request, context) }
        group.get("projects/:org/:project/events/:event/committers") { _, context in try await committers(context) }
    }

    private func release(_ grant: TokenGrant, _ context: FaultlineRequestContext, _ db: PGConnection) throws -> ReleaseRepository.Release {
        let org = try context.parameters.require("org")
        let raw = try context.parameters.require("version")
        let organization = try api.organization(grant, slug: org, db)
        if let slug = context.parameters.get("project") { _ = try api.project(grant, organization: org, project: slug, db) }
        guard let release = try ReleaseRepository(db).release(organizationID: organization.id, version: raw.removingPercentEncoding ?? raw) else {
            throw QueryError.notFound
        }
        return release
    }

    private func commits(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ReleaseRoutes.readScopes)
        let parameters = request.uri.queryParameters
        let (cursor, limit) = try Cursor.page(cursor: parameters["cursor"].map(String.init), perPage: parameters["per_page"].map(String.init))
        let (rows, hasMore) = try await api.withConnection { [self] db in
            let release = try self.release(grant, context, db)
            let rows = try CommitRepository(db).commits(releaseID: release.id, limit: limit + 1, offset: cursor.offset)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
        return JSONResponse.make(.ok, bytes: JSON.array(rows.map(CommitJSON.make)).encoded(),
                                 headers: [.link: api.link(request, offset: cursor.offset, limit: limit, hasMore: hasMore)])
    }

    /// The previous release with commits, with `lastCommit`; `{}` when there is none (what
    /// sentry-cli expects).
    private func previous(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ReleaseRoutes.readScopes)
        let json = try await api.withConnection { [self] db -> JSON in
            let release = try self.release(grant, context, db)
            guard let id = try CommitRepository(db).previousReleaseWithCommits(organizationID: release.organizationID, releaseID: release.id),
                  let previous = try ReleaseRepository(db).release(organizationID: release.organizationID, id: id) else {
                return .object([:])
            }
            let encoded = try JSONEncoder().encode(try ReleaseStore(db: db).json([previous])[0])
            return (try? JSON.parse(Array(encoded))) ?? .object([:])
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func repositories(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["org:read", "project:releases", "project:read"])
        let org = try context.parameters.require("org")
        let parameters = request.uri.queryParameters
        let (cursor, limit) = try Cursor.page(cursor: parameters["cursor"].map(String.init), perPage: parameters["per_page"].map(String.init))
        let (rows, hasMore) = try await api.withConnection { [api] db in
            let organization = try api.organization(grant, slug: org, db)
            let rows = try CommitRepository(db).repositories(organizationID: organization.id, limit: limit + 1, offset: cursor.offset)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
        return JSONResponse.make(.ok, bytes: JSON.array(rows.map(Self.json)).encoded(),
                                 headers: [.link: api.link(request, offset: cursor.offset, limit: limit, hasMore: hasMore)])
    }

    /// Registers a repository by `name` (and `url`); its commits still come only from
    /// `set-commits --local/--auto`, never from the provider.
    private func addRepository(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["org:write", "org:admin", "org:integrations"])
        let org = try context.parameters.require("org")
        let body = try await RequestBody.object(request)
        guard let name = body["name"]?.string?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.utf8.count <= 200 else {
            throw QueryError.invalid("name", "This field is required.")
        }
        let url = body["url"]?.string.flatMap { $0.utf8.count <= 2048 ? $0 : nil }
        let provider = body["provider"]?.string.flatMap { $0.utf8.count <= 64 ? $0 : nil } ?? "integrations:custom"
        let repository = try await api.withConnection { [api] db in
            let organization = try api.organization(grant, slug: org, db)
            return try CommitRepository(db).addRepository(organizationID: organization.id, name: name, provider: provider, url: url)
        }
        guard let repository else { throw QueryError(.conflict, "A repository with that name already exists") }
        return JSONResponse.make(.created, bytes: Self.json(repository).encoded())
    }

    private func committers(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let (org, slug, id) = (try context.parameters.require("org"), try context.parameters.require("project"),
                               try context.parameters.require("event"))
        let json = try await api.withConnection { [api] db -> JSON in
            let project = try api.project(grant, organization: org, project: slug, db)
            guard let event = try EventStore(db: db).event(projectIDs: [project.id], eventID: id) else { throw QueryError.notFound }
            guard let version = event.release,
                  let release = try ReleaseRepository(db).release(organizationID: project.organizationID, version: version) else {
                throw QueryError(.notFound, "Release not found")
            }
            let matches = try CommitRepository(db).latestCommitsTouching(releaseID: release.id, paths: SuspectCommits.framePaths(event.payload))
            guard !matches.isEmpty else { throw QueryError(.notFound, "No committers found") }
            return SuspectCommits.committers(matches)
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    /// A repository as Sentry's serializer writes it (sentry-cli reads `id`, `name`, `url`,
    /// `provider.id/name`, `status`, `dateCreated`).
    static func json(_ repository: CommitRepository.Repository) -> JSON {
        .object([
            "id": .string(String(repository.id)), "name": .string(repository.name), "url": repository.url.map(JSON.string) ?? .null,
            "provider": .object(["id": .string(repository.provider), "name": .string(repository.provider == "integrations:custom" ? "Custom" : repository.provider)]),
            "status": "active", "dateCreated": .string(Timestamp.format(repository.createdAt)), "externalSlug": .null,
        ])
    }
}
