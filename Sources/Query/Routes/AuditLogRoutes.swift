import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// `GET /api/0/organizations/{org}/audit-logs/` in Sentry's shape: `{"rows": [...], "options":
/// [event names]}`, newest first, `?event=` to filter, paged by `cursor` like the other lists.
/// Needs `org:write`, as in Sentry (managers and owners).
struct AuditLogRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("organizations/:org/audit-logs") { request, context in try await list(request, context) }
    }

    private func list(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("org:write")
        let slug = try context.parameters.require("org")
        let event = request.uri.queryParameters["event"].map(String.init)
        let (cursor, limit) = try Cursor.page(cursor: request.uri.queryParameters["cursor"].map(String.init),
                                              perPage: request.uri.queryParameters["per_page"].map(String.init))
        let offset = cursor.offset
        let (entries, users) = try await api.withConnection { [api] db -> ([AuditEntry], [Int64: User]) in
            let organization = try api.organization(grant, slug: slug, db)
            // One more than a page: whether there is a next one.
            let entries = try AuditLogRepository(db).entries(organizationID: organization.id, event: event,
                                                             offset: offset, limit: limit + 1)
            var users: [Int64: User] = [:]
            for id in Set(entries.compactMap(\.actorUserID) + entries.compactMap(\.targetUserID)) {
                users[id] = try UserRepository(db).user(id: id)
            }
            return (entries, users)
        }
        let window = Array(entries.prefix(limit))
        let rows: [JSON] = window.map { entry in
            let actor = entry.actorUserID.flatMap { users[$0] }.map(Self.user)
                ?? .object(["id": .null, "name": .string(entry.actorLabel), "username": .string(entry.actorLabel)])
            return .object([
                "id": .string(String(entry.id)), "actor": actor, "event": .string(entry.event),
                "ipAddress": entry.ipAddress.map(JSON.string) ?? .null, "note": .string(Self.note(entry)),
                "targetObject": entry.targetObject.map(JSON.int) ?? .null,
                "targetUser": entry.targetUserID.flatMap { users[$0] }.map(Self.user) ?? .null,
                "data": entry.data, "dateCreated": .string(Timestamp.format(entry.createdAt)),
            ])
        }
        let body = JSON.object(["rows": .array(rows), "options": .array(AuditEvent.names.map(JSON.string))])
        return JSONResponse.make(.ok, bytes: body.encoded(),
                                 headers: [.link: api.link(request, offset: offset, limit: limit, hasMore: entries.count > limit)])
    }

    static func user(_ user: User) -> JSON {
        .object(["id": .string(String(user.id)), "name": .string(user.name.isEmpty ? user.email : user.name),
                 "username": .string(user.email), "email": .string(user.email)])
    }

    /// A sentence like Sentry's `note`.
    static func note(_ entry: AuditEntry) -> String {
        let email = entry.data["email"]?.string ?? ""
        let role = entry.data["role"]?.string ?? ""
        switch entry.event {
        case "member.add": return "added member \(email) as \(role)"
        case "member.edit": return "edited member \(email) (role: \(role))"
        case "member.remove": return "removed member \(email)"
        case "member.invite": return "invited member \(email) as \(role)"
        case "member.accept-invite": return "\(email) accepted the invitation"
        case "member.join-team": return "added \(email) to team \(entry.data["team"]?.string ?? "")"
        case "member.leave-team": return "removed \(email) from team \(entry.data["team"]?.string ?? "")"
        case "team.create": return "created team \(entry.data["slug"]?.string ?? "")"
        case "team.edit": return "edited team \(entry.data["slug"]?.string ?? "")"
        case "team.remove": return "removed team \(entry.data["slug"]?.string ?? "")"
        case "project.edit": return "edited project settings of \(entry.data["slug"]?.string ?? "")"
        case "org.edit": return "edited the organization's settings"
        case "orgauthtoken.create": return "created an organization auth token \(entry.data["name"]?.string ?? "")"
        case "orgauthtoken.remove": return "revoked an organization auth token"
        case "projectkey.add": return "added project key \(entry.data["public_key"]?.string ?? "")"
        case "projectkey.edit": return "edited project key \(entry.data["public_key"]?.string ?? "")"
        case "user.erase": return "erased an end user by \(entry.data["kind"]?.string ?? "identifier") (sha256 \(entry.data["identifierHash"]?.string ?? ""))"
        default: return entry.event
        }
    }
}
