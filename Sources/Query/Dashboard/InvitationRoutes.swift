import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// The page an invitation's link opens, `/ui/accept/{token}` (public: the invitee may have no
/// account yet). Someone without an account sets their name and password and is signed in; a
/// user signed in with the invited address accepts with one button; anyone else is told what to
/// do. Accepting makes the user a member under the invitation's id, with its role and teams, and
/// uses the link up. Used, expired and unknown links are refused alike.
struct InvitationRoutes: Sendable {
    let api: APIContext
    let session: DashboardSession
    let account: AccountRoutes

    func add(to ui: RouterGroup<FaultlineRequestContext>) {
        ui.get("accept/:token") { request, context in try await page(request, context) }
        ui.post("accept/:token") { request, context in try await accept(request, context) }
    }

    /// What the page knows: the open invitation, its organization, who is signed in and whether
    /// the invited address has an account.
    private struct Visit: Sendable {
        let invitation: Invitation
        let organization: Organization
        let signedIn: User?
        let hasAccount: Bool
    }

    private func visit(_ request: Request, token: String) async throws -> Visit? {
        let cookie = DashboardSession.cookieValue(request, DashboardSession.cookie)
        return try await api.withConnection { [session] db -> Visit? in
            guard let invitation = try InvitationRepository(db).invitation(token: token), invitation.isOpen(at: Date()),
                  let organization = try AdminStore(db).organization(id: invitation.organizationID) else { return nil }
            let signedIn = try cookie.flatMap { try SessionRepository(db).user(session: $0, lifetime: session.lifetime) }
            return Visit(invitation: invitation, organization: organization, signedIn: signedIn,
                         hasAccount: try UserRepository(db).user(email: invitation.email) != nil)
        }
    }

    static func invalidLink() -> Response {
        HTML.page("Invitation", "<p>This invitation is not valid: it was used already, withdrawn or has expired. Ask for a new one.</p>",
                  status: .notFound)
    }

    private func page(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let visit = try await visit(request, token: token) else { return Self.invalidLink() }
        return account.publicPage(request) { form(visit, token: token, csrf: $0, error: nil) }
    }

    private func form(_ visit: Visit, token: String, csrf: String, error: String?, name: String = "",
                      status: HTTPResponse.Status = .ok) -> Response {
        let invitation = visit.invitation
        let intro = """
            <p>You are invited to join <strong>\(HTML.escape(visit.organization.name))</strong> as
            \(HTML.escape(invitation.role.name.lowercased())) (\(HTML.escape(invitation.email))).</p>
            \(error.map { "<p class=\"error\">\(HTML.escape($0))</p>" } ?? "")
            """
        let action = "/ui/accept/\(HTML.escape(token))"
        let body: String
        if let user = visit.signedIn, user.email.lowercased() == invitation.email.lowercased() {
            body = """
                <form method="post" action="\(action)">\(CSRF.hiddenField(csrf))<button type="submit" id="accept">Join</button></form>
                """
        } else if let user = visit.signedIn {
            body = """
                <p>You are signed in as \(HTML.escape(user.email)); this invitation is for another address. Sign out, then open
                the link again.</p>
                """
        } else if visit.hasAccount {
            body = """
                <p>\(HTML.escape(invitation.email)) has an account: <a href="/ui/login">sign in</a>, then open this link again.</p>
                """
        } else {
            body = """
                <form method="post" action="\(action)">\(CSRF.hiddenField(csrf))
                <p><label>Name<br><input type="text" name="name" autocomplete="name" value="\(HTML.escape(name))"></label></p>
                <p><label>Password<br><input type="password" name="new" autocomplete="new-password"></label></p>
                <p><label>Password again<br><input type="password" name="confirm" autocomplete="new-password"></label></p>
                <button type="submit" id="accept">Join</button></form>
                """
        }
        return HTML.page("Invitation", intro + body, status: status)
    }

    private func accept(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let fields = try await DashboardRoutes.form(request)
        let csrf = CSRF.token(secret: DashboardSession.cookieValue(request, CSRF.cookie) ?? "")
        guard let visit = try await visit(request, token: token) else { return Self.invalidLink() }
        let address = context.clientIP
        if let user = visit.signedIn {
            guard user.email.lowercased() == visit.invitation.email.lowercased() else {
                return form(visit, token: token, csrf: csrf, error: "This invitation is for another address.", status: .forbidden)
            }
            let accepted = try await api.withConnection { db in
                try db.transaction { tx in try Self.accept(tx, token: token, user: user, ipAddress: address) }
            }
            return accepted ? Response(status: .seeOther, headers: [.location: "/ui/"]) : Self.invalidLink()
        }
        guard !visit.hasAccount else {
            return form(visit, token: token, csrf: csrf, error: "Sign in first, then open the link again.", status: .forbidden)
        }
        let name = String((fields["name"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        let new = fields["new"] ?? ""
        if let problem = PasswordPolicy.problem(new) {
            return form(visit, token: token, csrf: csrf, error: problem, name: name, status: .badRequest)
        }
        guard new == fields["confirm"] else {
            return form(visit, token: token, csrf: csrf, error: "The two passwords differ.", name: name, status: .badRequest)
        }
        let hash = try await PasswordWork.hash(new)
        let email = visit.invitation.email
        let secret: String?
        do {
            secret = try await api.withConnection { [session] db in
                try db.transaction { tx -> String? in
                    let user = try UserRepository(tx).create(email: email, name: name, passwordHash: hash)
                    // The link is consumed in this transaction: of two submissions, one account.
                    guard try Self.accept(tx, token: token, user: user, ipAddress: address) else { throw StoreError.notFound("used") }
                    return try SessionRepository(tx).create(userID: user.id, lifetime: session.lifetime)
                }
            }
        } catch let error as StoreError where error.kind == .notFound || error.kind == .conflict {
            secret = nil
        }
        guard let secret else { return Self.invalidLink() }
        var response = Response(status: .seeOther, headers: [.location: "/ui/"])
        response.setCookie(session.sessionCookie(secret, request))
        return response
    }

    /// Accepts the invitation for `user` and records it; false when the link no longer works.
    static func accept(_ tx: PGConnection, token: String, user: User, ipAddress: String?) throws -> Bool {
        guard let invitation = try InvitationRepository(tx).accept(token: token, userID: user.id) else { return false }
        try AuditLogRepository(tx).record(organizationID: invitation.organizationID,
                                          AuditActor(userID: user.id, label: user.email, ipAddress: ipAddress),
                                          AuditEvent("member.accept-invite", targetObject: invitation.id, targetUserID: user.id,
                                                     data: ["email": .string(user.email), "role": .string(invitation.role.rawValue)]))
        return true
    }
}
