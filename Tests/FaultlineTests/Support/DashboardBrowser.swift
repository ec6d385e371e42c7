import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Postgres
import Store

/// What a browser does on the dashboard, over a Hummingbird test client: keeps its cookies,
/// reads each form's CSRF token from the page and posts forms from the dashboard's own origin
/// (the test clients address the server as http://localhost).
struct DashboardBrowser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// The CSRF token of the last page that had a form.
    var csrf: String?
    var origin = "http://localhost"

    init(_ client: any TestClientProtocol) { self.client = client }

    var cookieHeader: HTTPFields {
        cookies.isEmpty ? [:] : [.cookie: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }

    mutating func get(_ path: String) async throws -> TestResponse {
        let response = try await client.execute(uri: path, method: .get, headers: cookieHeader)
        absorb(response)
        return response
    }

    /// Posts `fields` with the page's CSRF token (unless `csrf` is given, "" for none).
    mutating func post(_ path: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> TestResponse {
        var all = fields
        let token = csrf ?? self.csrf ?? ""
        if !token.isEmpty { all.append(("csrf", token)) }
        var headers = cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[.origin] = origin
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        absorb(response)
        return response
    }

    /// Signs in through the form; returns the response of the POST.
    @discardableResult
    mutating func signIn(_ email: String, _ password: String) async throws -> TestResponse {
        _ = try await get("/ui/login")
        return try await post("/ui/login", [("email", email), ("password", password)])
    }

    mutating func absorb(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let (name, value) = (String(pair[0]).trimmingCharacters(in: .whitespaces), String(pair[1]))
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        if let token = Self.csrfToken(in: String(buffer: response.body)) { csrf = token }
    }

    static func csrfToken(in html: String) -> String? {
        guard let start = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        let rest = html[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

/// A user for dashboard tests, with a cheap bcrypt cost so tests stay fast.
enum TestUsers {
    static let password = "correct horse battery"

    @discardableResult
    static func create(_ db: PGConnection, email: String, organization: String? = "acme", role: Role = .owner,
                       password: String = TestUsers.password) throws -> User {
        let user = try UserRepository(db).create(email: email, passwordHash: Passwords.hash(password, cost: 4))
        if let organization, let org = try AdminStore(db).organization(slug: organization) {
            try UserRepository(db).setMembership(userID: user.id, organizationID: org.id, role: role)
        }
        return user
    }
}
