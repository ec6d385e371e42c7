import EventModel
import Hummingbird
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
        let limit = min(100, max(1, request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 25))
        let letters = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
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
