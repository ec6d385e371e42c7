import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// The dashboard's login: the API token, kept in an HttpOnly, SameSite=Strict cookie (so other
/// sites can neither read it nor make the browser send it). Pages without a valid one redirect
/// to the login form. Every state-changing request, sign-in included (login CSRF), must come
/// from the dashboard's own origin: `Origin` (else `Referer`) equal in scheme, host and port to
/// the origin the request was addressed to (its scheme and `Host`) or to the configured public
/// URL (`FAULTLINE_PUBLIC_URL`, e.g. behind a TLS proxy). Without either header it is refused.
struct DashboardSession: RouterMiddleware {
    typealias Context = FaultlineRequestContext
    static let cookie = "faultline_session"
    let pool: PGPool
    /// The origin of the configured base URL, when it is an http(s) URL.
    let publicOrigin: WebOrigin?

    init(pool: PGPool, baseURL: String) {
        self.pool = pool
        publicOrigin = WebOrigin(url: baseURL)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if ![.get, .head].contains(request.method), !sameOrigin(request) {
            return HTML.page("Forbidden", "<p>Cross-site form refused.</p>", status: .forbidden)
        }
        if request.uri.path == "/ui/login" || request.uri.path == "/ui/login/" { return try await next(request, context) }
        guard let token = Self.token(request),
              let grant = try await pool.withConnection({ try AdminStore($0).authenticate(token: token) }) else {
            return Response(status: .seeOther, headers: [.location: "/ui/login"])
        }
        var context = context
        context.grant = grant
        return try await next(request, context)
    }

    func sameOrigin(_ request: Request) -> Bool {
        let own = request.head.authority.flatMap { WebOrigin(scheme: request.head.scheme ?? "http", authority: $0) }
        return WebOrigin.allows(origins: request.headers[values: .origin], referers: request.headers[values: .referer],
                                allowed: [own, publicOrigin].compactMap { $0 })
    }

    static func token(_ request: Request) -> String? {
        request.cookies[cookie]?.value.trimmingCharacters(in: .whitespaces)
    }

    /// The session cookie holding `token` for 30 days; nil clears it. Tokens are the ones
    /// `AdminStore` issues (cookie-safe characters), set only after they authenticated.
    static func setCookie(_ token: String?) -> Cookie {
        Cookie(name: cookie, value: token ?? "", maxAge: token == nil ? 0 : 2_592_000, path: "/ui", httpOnly: true, sameSite: .strict)
    }
}
