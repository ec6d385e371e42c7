import EventModel
import Foundation
import Hummingbird
import Store
import Web

/// `POST /api/0/organizations/{org}/user-erasures/`: erase one end user of the organization's
/// apps (Faultline's own endpoint; Sentry has no equivalent). Body: exactly one of `id`,
/// `email`, `username`, `ip`, and optionally `"dryRun": true`. Needs `org:admin` (owners).
/// Runs to the end before answering; a request cut short is finished by sending it again.
struct UserErasureRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.post("organizations/:org/user-erasures") { request, context in try await erase(request, context) }
    }

    private func erase(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("org:admin")
        let slug = try context.parameters.require("org")
        let body = try await RequestBody.object(request)
        var given: [ErasureTarget.Kind: String?] = [:]
        for kind in ErasureTarget.Kind.allCases {
            guard let value = body[kind.rawValue] else { continue }
            guard let text = value.string ?? value.int.map(String.init) else {
                throw QueryError(.badRequest, "\(kind.rawValue): must be a string")
            }
            given[kind] = text
        }
        let target = try ErasureTarget.one(of: given)
        let dryRun = body["dryRun"]?.bool ?? false
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let report = try await api.withConnection { [api] db in
            let organization = try api.organization(grant, slug: slug, db)
            return try UserErasure(db).run(organizationID: organization.id, target: target, actor: actor, dryRun: dryRun)
        }
        let json = JSON.object([
            "id": report.erasureID.map { .string(String($0)) } ?? .null, "dryRun": .bool(report.dryRun),
            "kind": .string(target.kind.rawValue), "identifierHash": .string(report.identifierHash),
            "events": .int(report.events), "issuesRecounted": .int(report.issuesTouched),
            "issuesDeleted": .int(report.issuesDeleted), "deadLetters": .int(report.deadLetters),
        ])
        return JSONResponse.make(dryRun ? .ok : .created, bytes: json.encoded())
    }
}
