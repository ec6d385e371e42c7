import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// The dashboard's login: the API token, kept in an HttpOnly, SameSite=Strict cookie (so other
/// sites can neither read it nor make the browser send it). Pages without a valid one redirect
/// to the login form. State-changing forms also check that `Origin`, when sent, is this host.
struct DashboardSession: RouterMiddleware {
    typealias Context = FaultlineRequestContext
    static let cookie = "faultline_session"
    let pool: PGPool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/ui/login") { return try await next(request, context) }
        guard let token = Self.token(request),
              let grant = try await pool.withConnection({ try AdminStore($0).authenticate(token: token) }) else {
            return Response(status: .seeOther, headers: [.location: "/ui/login"])
        }
        if request.method == .post, let origin = request.headers[.origin], let host = request.head.authority,
           URL(string: origin)?.host.map({ host.hasPrefix($0) }) != true {
            return HTML.page("Forbidden", "<p>Cross-site form refused.</p>", status: .forbidden)
        }
        var context = context
        context.grant = grant
        return try await next(request, context)
    }

    static func token(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == cookie { return String(parts[1]) }
            }
        }
        return nil
    }

    static func setCookie(_ token: String?) -> String {
        guard let token else { return "\(cookie)=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0" }
        return "\(cookie)=\(token); Path=/ui; HttpOnly; SameSite=Strict; Max-Age=2592000"
    }
}
