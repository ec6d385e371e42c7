import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// Sentry's personal API tokens, `/api/0/api-tokens/`: list (`GET`), create (`POST` with
/// `scopes` and `name`; the token is in the answer once, only its SHA-256 is kept) and revoke
/// (`DELETE` with `{"tokenId": …}`, or `DELETE /api-tokens/{id}/`). Only a signed-in user or
/// their personal token may call them, and only for their own tokens. A Faultline token belongs
/// to one organization (the caller's) and never grants more than its user's role there
/// (`AdminStore.authenticate`); a new one asks for at most the caller's scopes.
struct UserTokenRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("api-tokens") { _, context in try await list(context) }
        group.post("api-tokens") { request, context in try await create(request, context) }
        group.delete("api-tokens") { request, context in
            let body = try await RequestBody.object(request)
            let id = body["tokenId"]?.string ?? body["tokenId"]?.int.map { String($0) }
            return try await revoke(id, context)
        }
        group.delete("api-tokens/:token") { _, context in try await revoke(try context.parameters.require("token"), context) }
    }

    /// The caller, who must be a user (a session or a personal token).
    private func user(_ context: FaultlineRequestContext) throws -> (TokenGrant, Int64, String) {
        guard let grant = context.grant else { throw QueryError.notAuthenticated }
        guard let userID = grant.userID, let email = grant.userEmail else {
            throw QueryError(.forbidden, "Personal tokens are a user's: call with a personal token or from a signed-in session.")
        }
        return (grant, userID, email)
    }

    private func list(_ context: FaultlineRequestContext) async throws -> Response {
        let (grant, userID, _) = try user(context)
        let tokens = try await api.withConnection {
            try AdminStore($0).personalTokens(userID: userID, organizationID: grant.organizationID).map { Self.json($0) }
        }
        return JSONResponse.make(.ok, bytes: JSON.array(tokens).encoded())
    }

    private func create(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let (grant, _, email) = try user(context)
        let body = try await RequestBody.object(request)
        guard let scopes = body["scopes"]?.array?.compactMap(\.string), !scopes.isEmpty, scopes.count <= Scope.all.count else {
            throw QueryError.invalid("scopes", "This field is required.")
        }
        guard Set(scopes).isSubset(of: Set(Scope.all)) else { throw QueryError.invalid("scopes", "Unknown scope") }
        guard Set(scopes).isSubset(of: grant.scopes) else { throw QueryError.forbidden }
        let name = String((body["name"]?.string ?? "").prefix(255))
        let (token, record) = try await api.withConnection { [api] db in
            let organization = try api.organization(of: grant, db)
            return try AdminStore(db).createToken(organization: organization.slug, label: name, scopes: scopes, userEmail: email)
        }
        return JSONResponse.make(.created, bytes: Self.json(record, token: token).encoded())
    }

    private func revoke(_ reference: String?, _ context: FaultlineRequestContext) async throws -> Response {
        let (_, userID, _) = try user(context)
        guard let reference, reference.utf8.count <= 19, let id = Int64(reference) else {
            throw QueryError.invalid("tokenId", "This field is required.")
        }
        guard try await api.withConnection({ try AdminStore($0).revokePersonalToken(id: id, userID: userID) }) else {
            throw QueryError.notFound
        }
        return Response(status: .noContent)
    }

    /// Sentry's API token serializer; `token` only in the answer that created it.
    static func json(_ record: APIToken, token: String? = nil) -> JSON {
        var json: [String: JSON] = [
            "id": .string(String(record.id)), "name": .string(record.label), "scopes": .array(record.scopes.map(JSON.string)),
            "application": .null, "expiresAt": .null, "state": .null, "tokenLastCharacters": .null,
            "dateCreated": .string(Timestamp.format(record.createdAt)),
        ]
        if let token {
            json["token"] = .string(token)
            json["tokenLastCharacters"] = .string(String(token.suffix(4)))
        }
        return .object(json)
    }
}
