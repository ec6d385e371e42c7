import Artifacts
import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// sentry-cli's assembly requests, after its chunks are uploaded: artifact bundles
/// (`sourcemaps upload`) for an organization, debug files (`debug-files upload`,
/// `upload-proguard`) for a project.
struct AssembleRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.post("organizations/:org/artifactbundle/assemble") { request, context in try await bundle(request, context) }
        group.post("projects/:org/:project/files/difs/assemble") { request, context in try await debugFiles(request, context) }
    }

    private func bundle(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ChunkUploadRoutes.uploadScopes)
        let org = try context.parameters.require("org")
        let input = try AssembleRequest.bundle(try await RequestBody.object(request))
        let state = try await api.withConnection { [api] db in
            let organization = try api.organization(grant, slug: org, db)
            let projects = try api.projects(of: organization, db)
            let ids = try input.projects.map { ref throws(QueryError) -> Int64 in
                guard let match = projects.first(where: { $0.slug == ref || String($0.id) == ref }) else {
                    throw QueryError.invalid("projects", "Invalid project ids or slugs")
                }
                return match.id
            }
            return try ArtifactAssembler(db: db, blobs: api.blobs, limits: api.artifacts)
                .bundle(input, organization: organization, projectIDs: ids)
        }
        return JSONResponse.make(.ok, bytes: state.json.encoded())
    }

    private func debugFiles(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ChunkUploadRoutes.uploadScopes)
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let files = try AssembleRequest.debugFiles(try await RequestBody.object(request))
        let states = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
            let assembler = ArtifactAssembler(db: db, blobs: api.blobs, limits: api.artifacts)
            var states: [String: JSON] = [:]
            for file in files {
                states[file.checksum] = try assembler.debugFile(file, organizationID: project.organizationID, project: project).json
            }
            return states
        }
        return JSONResponse.make(.ok, bytes: JSON.object(states).encoded())
    }
}
