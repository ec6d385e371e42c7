import Hummingbird
import NIOCore
import Web

/// The header's navigation of a signed-in page: the organization (and project) shown, the
/// organizations and projects to switch to, the section to mark current.
struct Navigation {
    enum Section: String { case issues, projectsPage, membersPage, none }

    var org: String
    var project: String?
    var orgs: [String]
    var projects: [(slug: String, name: String)]
    var section: Section

    var context: [String: Any] {
        var context: [String: Any] = [
            "org": org, "orgs": orgs.map { ["slug": $0] },
            "projects": projects.map { ["slug": $0.slug, "name": $0.name] },
        ]
        if let project { context["project"] = project }
        if section != .none { context[section.rawValue] = true }
        return context
    }
}

extension HTML {
    /// A page in the layout. `body` is HTML the dashboard rendered (a template's output); `csrf`
    /// (a signed-in page's CSRF token) adds the account link and the sign-out button; `nav` the
    /// organization's navigation and switcher.
    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok, csrf: String? = nil,
                     nav: Navigation? = nil) -> Response {
        var context: [String: Any] = ["title": title, "content": body]
        if let csrf { context["csrf"] = csrf }
        if let nav { context["nav"] = nav.context }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8",
                                                  // No framing (clickjacking of the triage buttons); X-Frame-Options for browsers without CSP 2.
                                                  .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                                                  .xFrameOptions: "DENY", .referrerPolicy: "same-origin",
                                                  .xContentTypeOptions: "nosniff"],
                        body: .init(byteBuffer: ByteBuffer(string: DashboardTemplates.render("layout", context))))
    }

    /// A page rendered from the named template into the layout.
    static func page(_ title: String, template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok,
                     csrf: String, nav: Navigation?) -> Response {
        page(title, DashboardTemplates.render(template, context), status: status, csrf: csrf, nav: nav)
    }
}
