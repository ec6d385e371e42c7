import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// The dashboard's account pages: sign-in, sign-out, password change and the password reset
/// page that `faultline admin reset-password` links to. Sign-in creates a new session (a session
/// cookie the browser already had is revoked: rotation), sign-out deletes it, and a password
/// change or reset deletes every session of the user. Wrong passwords are counted per account
/// and per client address (`SignInGate`).
struct AccountRoutes: Sendable {
    let api: APIContext
    let session: DashboardSession
    let gate: SignInGate

    func add(to ui: RouterGroup<FaultlineRequestContext>) {
        ui.get("login") { request, _ in
            let notice = request.uri.queryParameters["reset"] != nil ? "Your password is set. Sign in with it." : nil
            return publicPage(request) { signInPage($0, notice: notice) }
        }
        ui.post("login") { request, context in try await signIn(request, context) }
        ui.post("logout") { request, _ in try await signOut(request) }
        ui.get("account") { request, context in
            let changed = request.uri.queryParameters["changed"] != nil
            return try accountPage(request, context, message: changed ? ("Your password is changed; other browsers are signed out.", false) : nil)
        }
        ui.post("account/password") { request, context in try await changePassword(request, context) }
        ui.get("reset/:token") { request, context in try await resetPage(request, context) }
        ui.post("reset/:token") { request, context in try await reset(request, context) }
    }

    // MARK: Sign-in and sign-out

    /// A public page with its CSRF token, setting the pre-session cookie when the browser has none
    /// (also the invitation page's, `InvitationRoutes`).
    func publicPage(_ request: Request, _ render: (String) -> Response) -> Response {
        if let secret = DashboardSession.cookieValue(request, CSRF.cookie) { return render(CSRF.token(secret: secret)) }
        let secret = Secrets.sessionSecret()
        var response = render(CSRF.token(secret: secret))
        response.setCookie(session.preSessionCookie(secret, request))
        return response
    }

    private func signInPage(_ csrf: String, error: String? = nil, notice: String? = nil,
                            status: HTTPResponse.Status = .ok) -> Response {
        HTML.page("Sign in", """
            \(error.map { "<p class=\"error\">\(HTML.escape($0))</p>" } ?? "")\(notice.map { "<p>\(HTML.escape($0))</p>" } ?? "")
            <form method="post" action="/ui/login">\(CSRF.hiddenField(csrf))
            <p><label>Email<br><input type="text" name="email" autocomplete="username" autofocus></label></p>
            <p><label>Password<br><input type="password" name="password" autocomplete="current-password"></label></p>
            <button type="submit">Sign in</button></form>
            <p class="muted">Forgot it? An administrator runs <code>faultline admin reset-password EMAIL</code> and gives you the link.
            API tokens (<code>faultline admin create-token</code>) are for the API, not for signing in here.</p>
            """, status: status)
    }

    private func signIn(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let form = try await DashboardRoutes.form(request)
        // The middleware checked the CSRF field against this cookie, so it is there.
        let csrf = CSRF.token(secret: DashboardSession.cookieValue(request, CSRF.cookie) ?? "")
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        // No address is longer than 254 bytes: the throttle keys a longer text by its first 254, so
        // junk cannot make its keys large.
        let throttleKey = String(email.utf8.prefix(254)) ?? ""
        let password = form["password"] ?? ""
        if let until = await gate.blockedUntil(account: throttleKey, address: context.clientIP) {
            let minutes = max(1, Int(until.timeIntervalSinceNow / 60 + 1))
            return signInPage(csrf, error: "Too many failed sign-ins. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").",
                              status: .tooManyRequests)
        }
        var credentials: (User, String)?
        if !email.isEmpty, email.utf8.count <= 254 {
            credentials = try await api.withConnection { try UserRepository($0).credentials(email: email) }
        }
        // bcrypt runs whether or not the account exists, so the answer's timing tells nothing.
        guard try await PasswordWork.verify(password, hash: credentials?.1), let user = credentials?.0 else {
            await gate.failed(account: throttleKey, address: context.clientIP)
            return signInPage(csrf, error: "The email or password is wrong.", status: .unauthorized)
        }
        await gate.succeeded(account: throttleKey)
        let previous = DashboardSession.cookieValue(request, DashboardSession.cookie)
        let secret = try await api.withConnection { db in
            try db.transaction { tx in
                if let previous { try SessionRepository(tx).revoke(session: previous) }
                return try SessionRepository(tx).create(userID: user.id, lifetime: session.lifetime)
            }
        }
        var response = Response(status: .seeOther, headers: [.location: "/ui/"])
        response.setCookie(session.sessionCookie(secret, request))
        return response
    }

    private func signOut(_ request: Request) async throws -> Response {
        if let secret = DashboardSession.cookieValue(request, DashboardSession.cookie) {
            try await api.withConnection { try SessionRepository($0).revoke(session: secret) }
        }
        var response = Response(status: .seeOther, headers: [.location: "/ui/login"])
        response.setCookie(session.sessionCookie(nil, request))
        return response
    }

    // MARK: Password change

    private func accountPage(_ request: Request, _ context: FaultlineRequestContext, message: (String, Bool)?,
                             status: HTTPResponse.Status = .ok) throws -> Response {
        guard let user = context.user, let secret = DashboardSession.cookieValue(request, DashboardSession.cookie) else {
            throw QueryError.notAuthenticated
        }
        let csrf = CSRF.token(secret: secret)
        let note = message.map { "<p class=\"\($0.1 ? "error" : "notice")\">\(HTML.escape($0.0))</p>" } ?? ""
        return HTML.page("Account", """
            <p>Signed in as <strong>\(HTML.escape(user.email))</strong>.</p>\(note)
            <h3>Change password</h3>
            <form method="post" action="/ui/account/password">\(CSRF.hiddenField(csrf))
            <p><label>Current password<br><input type="password" name="current" autocomplete="current-password"></label></p>
            <p><label>New password<br><input type="password" name="new" autocomplete="new-password"></label></p>
            <p><label>New password again<br><input type="password" name="confirm" autocomplete="new-password"></label></p>
            <button type="submit">Change password</button></form>
            <p class="muted">Changing it signs out every other browser.</p>
            """, status: status, csrf: csrf)
    }

    private func changePassword(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        guard let user = context.user else { throw QueryError.notAuthenticated }
        let form = try await DashboardRoutes.form(request)
        let (current, new) = (form["current"] ?? "", form["new"] ?? "")
        if let until = await gate.blockedUntil(account: user.email, address: context.clientIP) {
            let minutes = max(1, Int(until.timeIntervalSinceNow / 60 + 1))
            return try accountPage(request, context, message: ("Too many wrong passwords. Try again in \(minutes) minutes.", true),
                                   status: .tooManyRequests)
        }
        let stored = try await api.withConnection { try UserRepository($0).passwordHash(userID: user.id) }
        guard try await PasswordWork.verify(current, hash: stored) else {
            await gate.failed(account: user.email, address: context.clientIP)
            return try accountPage(request, context, message: ("The current password is wrong.", true), status: .badRequest)
        }
        if let problem = PasswordPolicy.problem(new) {
            return try accountPage(request, context, message: (problem, true), status: .badRequest)
        }
        guard new == form["confirm"] else {
            return try accountPage(request, context, message: ("The two new passwords differ.", true), status: .badRequest)
        }
        let hash = try await PasswordWork.hash(new)
        // Every session ends, this one too; this browser gets a fresh one.
        let secret = try await api.withConnection { [session] db in
            try db.transaction { tx in
                try UserRepository(tx).setPassword(userID: user.id, passwordHash: hash)
                try SessionRepository(tx).revokeAll(userID: user.id)
                return try SessionRepository(tx).create(userID: user.id, lifetime: session.lifetime)
            }
        }
        var response = Response(status: .seeOther, headers: [.location: "/ui/account?changed=1"])
        response.setCookie(session.sessionCookie(secret, request))
        return response
    }

    // MARK: Password reset

    private func resetPage(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard try await api.withConnection({ try SessionRepository($0).resetUser(token: token) }) != nil else {
            return Self.invalidResetLink()
        }
        return publicPage(request) { resetForm(token: token, csrf: $0, error: nil) }
    }

    private func resetForm(token: String, csrf: String, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        HTML.page("Set your password", """
            \(error.map { "<p class=\"error\">\(HTML.escape($0))</p>" } ?? "")
            <form method="post" action="/ui/reset/\(HTML.escape(token))">\(CSRF.hiddenField(csrf))
            <p><label>New password<br><input type="password" name="new" autocomplete="new-password"></label></p>
            <p><label>New password again<br><input type="password" name="confirm" autocomplete="new-password"></label></p>
            <button type="submit">Set password</button></form>
            """, status: status)
    }

    static func invalidResetLink() -> Response {
        HTML.page("Set your password", "<p>This link is not valid: it was used already or has expired. Ask for a new one.</p>",
                  status: .notFound)
    }

    private func reset(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let form = try await DashboardRoutes.form(request)
        let csrf = CSRF.token(secret: DashboardSession.cookieValue(request, CSRF.cookie) ?? "")
        let new = form["new"] ?? ""
        guard let user = try await api.withConnection({ try SessionRepository($0).resetUser(token: token) }) else {
            return Self.invalidResetLink()
        }
        if let problem = PasswordPolicy.problem(new) {
            return resetForm(token: token, csrf: csrf, error: problem, status: .badRequest)
        }
        guard new == form["confirm"] else {
            return resetForm(token: token, csrf: csrf, error: "The two passwords differ.", status: .badRequest)
        }
        let hash = try await PasswordWork.hash(new)
        let done = try await api.withConnection { db in
            try db.transaction { tx -> Bool in
                // Consumed first: of two submissions of one link, one sets the password.
                guard try SessionRepository(tx).consumeReset(token: token) else { return false }
                try UserRepository(tx).setPassword(userID: user.id, passwordHash: hash)
                try SessionRepository(tx).revokeAll(userID: user.id)
                return true
            }
        }
        guard done else { return Self.invalidResetLink() }
        return Response(status: .seeOther, headers: [.location: "/ui/login?reset=1"])
    }
}
