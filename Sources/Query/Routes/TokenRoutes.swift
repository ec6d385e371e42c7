import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// An organization's API tokens, as Sentry's organization auth tokens: list, create (the token
/// is shown once; only its SHA-256 is kept) and revoke. Needs `org:admin`, and a token can only
/// grant scopes its creator holds.
struct TokenRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("organizations/:org/org-auth-tokens") { _, context in try await list(context) }
        group.post("organizations/:org/org-auth-tokens") { request, context in try await create(request, context) }
        group.delete("organizations/:org/org-auth-tokens/:token") { _, context in try await revoke(context) }
    }

    private func list(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("org:admin")
        let org = try context.parameters.require("org")
        let tokens = try await api.withConnection { [api] db in
            _ = try api.organization(grant, slug: org, db)
            return try AdminStore(db).tokens(organization: org).filter { $0.revokedAt == nil }.map(Self.json)
        }
        return JSONResponse.make(.ok, bytes: JSON.array(tokens).encoded())
    }

    private func create(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("org:admin")
        let org = try context.parameters.require("org")
        let body = try await RequestBody.object(request)
        let name = body["name"]?.string ?? ""
        let scopes = body["scopes"]?.array?.compactMap(\.string) ?? ["org:read", "project:read", "project:releases", "event:read"]
        guard !scopes.isEmpty, Set(scopes).isSubset(of: Set(Scope.all)) else {
            throw QueryError(.badRequest, "scopes: unknown scope")
        }
        guard Set(scopes).isSubset(of: grant.scopes) else { throw QueryError.forbidden }
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let (token, record) = try await api.withConnection { [api] db in
            try db.transaction { tx -> (String, APIToken) in
                let organization = try api.organization(grant, slug: org, tx)
                let created = try AdminStore(tx).createToken(organization: org, label: name, scopes: scopes)
                try AuditLogRepository(tx).record(organizationID: organization.id, actor, AuditEvent(
                    "orgauthtoken.create", targetObject: created.1.id,
                    data: ["name": .string(name), "scopes": .array(scopes.map(JSON.string))]))
                return created
            }
        }
        var json = Self.json(record).object ?? [:]
        json["token"] = .string(token)
        return JSONResponse.make(.created, bytes: JSON.object(json).encoded())
    }

    private func revoke(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("org:admin")
        let org = try context.parameters.require("org")
        guard let id = Int64(try context.parameters.require("token")) else { throw QueryError.notFound }
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        try await api.withConnection { [api] db in
            try db.transaction { tx in
                let organization = try api.organization(grant, slug: org, tx)
                let store = AdminStore(tx)
                guard try store.tokens(organization: org).contains(where: { $0.id == id && $0.organizationID == organization.id && $0.revokedAt == nil })
                else { throw QueryError.notFound }
                try store.revokeToken(id: id)
                try AuditLogRepository(tx).record(organizationID: organization.id, actor, AuditEvent("orgauthtoken.remove", targetObject: id))
            }
        }
        return Response(status: .noContent)
    }

    static func json(_ token: APIToken) -> JSON {
        .object([
            "id": .string(String(token.id)), "name": .string(token.label), "tokenLastCharacters": .null,
            "tokenPrefix": .string(token.prefix), "scopes": .array(token.scopes.map(JSON.string)),
            "dateCreated": .string(Timestamp.format(token.createdAt)),
        ])
    }
}
