import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// Authenticates `Authorization: Bearer <token>` for every `/api/0/` route and puts the grant
/// in the context. Routes then check scopes and the organization of what they touch.
struct TokenAuthMiddleware: RouterMiddleware {
    typealias Context = FaultlineRequestContext
    let pool: PGPool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { throw QueryError.notAuthenticated }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw QueryError.notAuthenticated }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let grant = try await pool.withConnection { try AdminStore($0).authenticate(token: token) }
        guard let grant else { throw QueryError.invalidToken }
        var context = context
        context.grant = grant
        return try await next(request, context)
    }
}

extension FaultlineRequestContext {
    /// The grant, requiring `scope`; 403 without it.
    func require(_ scope: String) throws -> TokenGrant {
        guard let grant else { throw QueryError.notAuthenticated }
        guard grant.scopes.contains(scope) else { throw QueryError.forbidden }
        return grant
    }
}

extension FaultlineRequestContext {
    /// The grant, requiring at least one of `scopes`; 403 without any.
    func require(anyOf scopes: [String]) throws -> TokenGrant {
        guard let grant else { throw QueryError.notAuthenticated }
        guard scopes.contains(where: { grant.scopes.contains($0) }) else { throw QueryError.forbidden }
        return grant
    }
}
