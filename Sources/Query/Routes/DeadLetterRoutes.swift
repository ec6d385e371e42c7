import EventModel
import Hummingbird
import Store
import Web

/// Faultline's own endpoint (Sentry has none): the messages the processor skipped for a
/// project, newest first, with the reason. The payload itself is not returned (it may hold
/// unscrubbed data); operators read it from the `dead_letters` table.
struct DeadLetterRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("projects/:org/:project/dead-letters") { request, context in try await deadLetters(request, context) }
    }

    private func deadLetters(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("project:read")
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let limit = APIContext.limit(request, default: 25, maximum: 100)
        let letters = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
            return try DeadLetterRepository(db).recent(projectID: project.id, limit: limit).map { letter in
                DeadLetterJSON(id: String(letter.id), topic: letter.topic, partition: letter.partition, offset: letter.offset,
                               reason: letter.reason, size: letter.size, dateCreated: Timestamp.format(letter.createdAt))
            }
        }
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
