import Foundation
import Hummingbird
import NIOCore
import Postgres
import Store
import Web

/// The dashboard's sign-in state and its guards, for every `/ui/` request:
/// - A session is a random secret in the `faultline_session` cookie (HttpOnly, SameSite=Lax,
///   Path=/ui, Secure when the dashboard is served over HTTPS), stored hashed (`SessionRepository`) with
///   idle and absolute expiry (`SessionLifetime`). It names a user; the user's membership of the
///   organization in the path (else their first) is the request's grant: the role's scopes
///   (`Role.scopes`), checked by the routes exactly as an API token's. A removed member or a
///   deactivated user loses access on their next request.
/// - Every state-changing request, sign-in included (login CSRF), must come from the dashboard's
///   own origin (`Origin`, else `Referer`, equal to the origin the request was addressed to or
///   to the configured public URL) and carry the form's CSRF token (`CSRF`).
/// Pages other than the public ones (sign-in, password reset, invitation) redirect to sign-in without a session.
struct DashboardSession: RouterMiddleware {
    typealias Context = FaultlineRequestContext
    static let cookie = "faultline_session"
    let pool: PGPool
    let lifetime: SessionLifetime
    /// The origin of the configured base URL, when it is an http(s) URL.
    let publicOrigin: WebOrigin?

    init(pool: PGPool, baseURL: String, lifetime: SessionLifetime = .standard) {
        self.pool = pool
        self.lifetime = lifetime
        publicOrigin = WebOrigin(url: baseURL)
    }

    /// Pages a visitor without a session may use.
    static func isPublic(_ path: String) -> Bool {
        let path = path.hasSuffix("/") ? String(path.dropLast()) : path
        return path == "/ui/login" || path.hasPrefix("/ui/reset/") || path.hasPrefix("/ui/accept/")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let isPublic = Self.isPublic(request.uri.path)
        if ![.get, .head].contains(request.method) {
            guard sameOrigin(request) else { return Self.forbidden("Cross-site form refused.") }
            // Read the form once here for its CSRF field; the route reads it again from memory.
            let body = try await request.body.collect(upTo: DashboardRoutes.formLimit)
            request.body = .init(buffer: body)
            let submitted = DashboardRoutes.fields(String(buffer: body))?[CSRF.field]
            let secret = isPublic ? Self.cookieValue(request, CSRF.cookie) : Self.cookieValue(request, Self.cookie)
            guard CSRF.verify(submitted, secret: secret) else {
                return Self.forbidden("This form has expired. Go back, reload the page and try again.")
            }
        }
        if isPublic { return try await next(request, context) }
        guard let secret = Self.cookieValue(request, Self.cookie),
              let signedIn = try await pool.withConnection({ [lifetime] db -> (User, [Membership])? in
                  guard let user = try SessionRepository(db).user(session: secret, lifetime: lifetime) else { return nil }
                  return (user, try UserRepository(db).memberships(userID: user.id))
              }) else {
            return Response(status: .seeOther, headers: [.location: "/ui/login"])
        }
        let (user, memberships) = signedIn
        var context = context
        context.user = user
        context.grant = Self.membership(memberships, path: request.uri.path)?.grant(user: user)
        return try await next(request, context)
    }

    /// The membership of the organization the path names (`/ui/{org}/…`), else the first.
    static func membership(_ memberships: [Membership], path: String) -> Membership? {
        let segments = path.split(separator: "/")
        if segments.count >= 2, let named = memberships.first(where: { $0.organizationSlug == segments[1] }) { return named }
        return memberships.first
    }

    func sameOrigin(_ request: Request) -> Bool {
        let own = request.head.authority.flatMap { WebOrigin(scheme: request.head.scheme ?? "http", authority: $0) }
        return WebOrigin.allows(origins: request.headers[values: .origin], referers: request.headers[values: .referer],
                                allowed: [own, publicOrigin].compactMap { $0 })
    }

    static func forbidden(_ message: String) -> Response {
        HTML.page("Forbidden", "<p>\(HTML.escape(message))</p>", status: .forbidden)
    }

    static func cookieValue(_ request: Request, _ name: String) -> String? {
        guard let value = request.cookies[name]?.value.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// Whether the browser reached the dashboard over HTTPS (directly, or the public URL is https
    /// behind a TLS proxy): then cookies are `Secure`.
    func isSecure(_ request: Request) -> Bool {
        request.head.scheme == "https" || publicOrigin?.scheme == "https"
    }

    /// The session cookie holding `secret` for the session's absolute lifetime; nil clears it.
    /// Path /ui, as the token cookie before it: the new one replaces an old one in the browser.
    func sessionCookie(_ secret: String?, _ request: Request) -> Cookie {
        Cookie(name: Self.cookie, value: secret ?? "", maxAge: secret == nil ? 0 : Int(lifetime.absolute), path: "/ui",
               secure: isSecure(request), httpOnly: true, sameSite: .lax)
    }

    /// The pre-session cookie the public forms' CSRF token is derived from (a browser session's life).
    func preSessionCookie(_ secret: String, _ request: Request) -> Cookie {
        Cookie(name: CSRF.cookie, value: secret, path: "/ui", secure: isSecure(request), httpOnly: true, sameSite: .lax)
    }
}
