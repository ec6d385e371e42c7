import EventModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Postgres
import Store
import Testing
@testable import Processor

/// The dashboard in real headless Chromium against `faultline query` and real PostgreSQL:
/// sign in, assign an issue to oneself, resolve it, sign out (Tests/compat/dashboard_browser.py, selenium).
@Suite struct DashboardBrowserTests {
    static let chromiumPresent = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")

    @Test(.enabled(if: DashboardBrowserTests.chromiumPresent, "Debian's chromium and chromium-driver are not installed (deploy/lib.sh ensure_packages installs them)"))
    func signInAssignResolveAndSignOutInChromium() async throws {
        let executable = try TestEnvironment.executable
        let python = try TestEnvironment.python
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let owner = try TestUsers.create(db, email: "owner@acme.test")
            let title = "BrowserError"
            let payload: JSON = ["platform": "python",
                                 "exception": ["values": [["type": .string(title), "value": "seen in chromium"]]]]
            let message = IngestMessage(metadata: .init(type: "event", eventID: EventID.generate(), projectID: tenant.project.id,
                                                        keyID: 1, received: Date().timeIntervalSince1970, clientIP: nil, sdk: nil, sentAt: nil),
                                        payload: payload.encoded())
            _ = try db.transaction { try EventWriter($0).write([try EventPipeline.process(message)]) }

            let port = try SecretLoggingTests.freePort()
            let query = ChildProcess(executable, ["query", "--port", String(port)],
                                     environment: ["FAULTLINE_DATABASE_URL": database.url])
            try query.start()
            defer { query.kill(SIGKILL) }
            #expect(await query.waitForOutput("listening on"), "\(query.stderr.suffix(1000))")
            let shots = ProcessInfo.processInfo.environment["FAULTLINE_TEST_SCREENSHOTS"] ?? ""
            let run = try await ChildProcess.run(python, [TestEnvironment.compatScript("dashboard_browser.py"),
                                                          "http://127.0.0.1:\(port)", owner.email, TestUsers.password, title]
                                                          + (shots.isEmpty ? [] : [shots]), timeout: 180)
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr.suffix(3000))")
            #expect(run.stdout.contains("dashboard browser: ok"))
            #expect(try db.query("SELECT status FROM issues").first?.string("status") == "resolved")
            #expect(try db.query("SELECT assigned_to FROM issues").first?.optionalString("assigned_to") == owner.email)
            #expect(try db.query("SELECT count(*) AS n FROM issue_activities WHERE type = 'assigned'").first?.int("n") == 1)
            #expect(try SessionRepository(db).count(userID: owner.id) == 0)
        }
    }
}
