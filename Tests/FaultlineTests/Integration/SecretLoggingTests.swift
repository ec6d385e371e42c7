import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
@testable import Query
import Store
import Testing

/// `faultline dev` at log level trace, fed credentials in every place a request carries them;
/// none of them may appear in its output.
@Suite struct SecretLoggingTests {
    @Test func secretsAndTokensNeverReachTheLogs() async throws {
        let executable = try TestEnvironment.executable
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let port = try Self.freePort()
            let dev = ChildProcess(executable, ["dev", "--port", String(port), "--log-level", "trace"],
                                   environment: ["FAULTLINE_DATABASE_URL": database.url, "FAULTLINE_KAFKA_BROKERS": ""])
            try dev.start()
            defer { dev.kill(SIGKILL) }
            #expect(await dev.waitForOutput("listening on"), "\(dev.stderr.suffix(1000))")

            let marker = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let dsnSecret = "dsnsecret\(marker)"
            let password = "hunter2\(marker)"
            let bearer = "eventbearer\(marker)"
            let wrongToken = "flt_wrong\(marker)"
            let cookie = "sessioncookie\(marker)"
            let secrets = [tenant.token, dsnSecret, password, bearer, wrongToken, cookie]
            let csrfToken = CSRF.token(secret: cookie)

            let base = "http://127.0.0.1:\(port)"
            let event = """
                {"message":"login failed \(marker)","extra":{"password":"\(password)","api_key":"\(dsnSecret)"},
                 "request":{"url":"https://shop.example/login","headers":{"Authorization":"Bearer \(bearer)","Cookie":"sessionid=\(cookie)"},
                            "data":{"password":"\(password)"}},
                 "user":{"id":"u1","password":"\(password)"}}
                """
            let sentryAuth = "Sentry sentry_key=\(tenant.key.publicKey), sentry_secret=\(dsnSecret), sentry_version=7, sentry_client=test/1"
            let stored = try await Self.request("\(base)/api/\(tenant.project.id)/store/", method: "POST", body: event,
                                                headers: ["X-Sentry-Auth": sentryAuth, "Cookie": "s=\(cookie)"])
            #expect(stored == 200)
            // A rejected request carrying the same credentials, and one with two auth sources.
            _ = try await Self.request("\(base)/api/999/store/", method: "POST", body: event, headers: ["X-Sentry-Auth": sentryAuth])
            _ = try await Self.request("\(base)/api/\(tenant.project.id)/store/", method: "POST", body: event,
                                       headers: ["X-Sentry-Auth": sentryAuth, "Authorization": "Bearer \(bearer)"])
            // The API with the real token, a wrong one, and the dashboard's login form.
            #expect(try await Self.request("\(base)/api/0/organizations/acme/", headers: ["Authorization": "Bearer \(tenant.token)"]) == 200)
            #expect(try await Self.request("\(base)/api/0/organizations/acme/", headers: ["Authorization": "Bearer \(wrongToken)"]) == 401)
            // The sign-in form with a wrong and the right password (a CSRF cookie and token of its own).
            try TestUsers.create(db, email: "owner@acme.test", password: password)
            for attempt in [wrongToken, password] {
                _ = try await Self.request("\(base)/ui/login", method: "POST",
                                           body: "email=owner%40acme.test&password=\(attempt)&csrf=\(csrfToken)",
                                           headers: ["Content-Type": "application/x-www-form-urlencoded", "Origin": base,
                                                     "Cookie": "faultline_csrf=\(cookie)"])
            }

            // Wait until the processor wrote the event, so its logging ran too.
            var processed = false
            let deadline = Date().addingTimeInterval(30)
            while !processed && Date() < deadline {
                processed = (try? db.query("SELECT 1 FROM issues WHERE title LIKE $1", ["%\(marker)%"]).first) != nil
                if !processed { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(processed)
            dev.kill(SIGTERM)
            _ = await dev.wait(timeout: 30)

            let logs = dev.stdout + dev.stderr
            #expect(logs.contains("trace") || logs.contains("debug"), "the log level did not apply: \(logs.prefix(500))")
            for secret in secrets {
                #expect(!logs.contains(secret), "a secret was logged: \(logs.components(separatedBy: "\n").filter { $0.contains(secret) }.prefix(3))")
            }
            // Scrubbing keeps them out of the stored event too (a session cookie by its name, as
            // Sentry filters it; other cookies are kept, as Sentry keeps them).
            let payload = try db.query("SELECT payload::text AS p FROM events").rows.map { try $0.string("p") }.joined()
            for secret in [password, bearer, cookie, dsnSecret] {
                #expect(!payload.contains(secret), "stored event holds a secret")
            }
        }
    }

    /// A port nothing listens on now (other worktrees' tests share this machine's fixed ports).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw TestSetupError("no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func request(_ url: String, method: String = "GET", body: String? = nil, headers: [String: String] = [:]) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
