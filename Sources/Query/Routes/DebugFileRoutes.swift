import Artifacts
import EventModel
import Hummingbird
import Postgres
import Store
import Web

/// A project's debug files: `GET …/files/dsyms/` (`debug_id=` filters, as sentry-cli and
/// Sentry's settings page ask) and `DELETE …/files/dsyms/?id=`.
struct DebugFileRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("projects/:org/:project/files/dsyms") { request, context in try await list(request, context) }
        group.delete("projects/:org/:project/files/dsyms") { request, context in try await delete(request, context) }
    }

    private func list(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["project:read", "project:releases", "project:write"])
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let parameters = request.uri.queryParameters
        let (cursor, limit) = try Cursor.page(cursor: parameters["cursor"].map(String.init), perPage: parameters["per_page"].map(String.init))
        let debugID = parameters["debug_id"].map(String.init).flatMap(DebugID.normalized)
        if parameters["debug_id"] != nil && debugID == nil { return JSONResponse.make(.ok, bytes: Array("[]".utf8)) }
        let (files, hasMore) = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
            let rows = try ArtifactRepository(db).debugFiles(projectID: project.id, debugID: debugID, limit: limit + 1, offset: cursor.offset)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
        return JSONResponse.make(.ok, bytes: JSON.array(files.map(ArtifactAssembler.json)).encoded(),
                                 headers: [.link: api.link(request, offset: cursor.offset, limit: limit, hasMore: hasMore)])
    }

    private func delete(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["project:write", "project:admin"])
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        guard let id = request.uri.queryParameters["id"].flatMap({ Int64(String($0)) }) else { throw QueryError.notFound }
        let deleted = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
            return try ArtifactRepository(db).deleteDebugFile(projectID: project.id, id: id)
        }
        guard deleted else { throw QueryError.notFound }
        return Response(status: .noContent)
    }
}
