import EventModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Postgres
import Store
import Testing

/// The dashboard in real headless Chromium against `faultline dev` and real PostgreSQL, with
/// errors sent by the real sentry-sdk (Tests/compat/dashboard_events.py): sign in, search the
/// stream from its own box, read an issue's event, page to another event, assign, resolve, check
/// the hostile event stays inert and inside the layout, sign out — each page at 1280 and 390 px
/// without horizontal overflow and with axe-core (Tests/compat/dashboard_browser.py, selenium).
@Suite struct DashboardBrowserTests {
    static let chromiumPresent = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")

    @Test(.enabled(if: DashboardBrowserTests.chromiumPresent, "Debian's chromium and chromium-driver are not installed (deploy/lib.sh ensure_packages installs them)"))
    func sdkErrorsSearchedReadAssignedAndResolvedInChromium() async throws {
        let executable = try TestEnvironment.executable
        let python = try TestEnvironment.python
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let owner = try TestUsers.create(db, email: "owner@acme.test")
            _ = try TeamRepository(db).create(organizationID: tenant.project.organizationID, slug: "backend")
            let spool = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-spool-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: spool) }

            let port = try SecretLoggingTests.freePort()
            let dev = ChildProcess(executable, ["dev", "--port", String(port)],
                                   environment: ["FAULTLINE_DATABASE_URL": database.url, "FAULTLINE_KAFKA_BROKERS": "",
                                                 "FAULTLINE_SPOOL_DIR": spool.path])
            try dev.start()
            defer { dev.kill(SIGKILL) }
            #expect(await dev.waitForOutput("listening on"), "\(dev.stderr.suffix(1000))")

            let dsn = "http://\(tenant.key.publicKey)@127.0.0.1:\(port)/\(tenant.project.id)"
            let sdk = try await ChildProcess.run(python, [TestEnvironment.compatScript("dashboard_events.py"), "--times", "3"],
                                                 environment: ["FAULTLINE_DSN": dsn], timeout: 60)
            #expect(sdk.status == 0, "sentry-sdk failed: \(sdk.stderr.suffix(2000))")
            // 3 × (ValueError + ZeroDivisionError) and the hostile event: 3 issues, 7 events.
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, try db.query("SELECT coalesce(sum(times_seen), 0)::bigint AS n FROM issues").first?.int("n") != 7 {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try db.query("SELECT count(*) AS n FROM issues").first?.int("n") == 3)

            let shots = ProcessInfo.processInfo.environment["FAULTLINE_TEST_SCREENSHOTS"] ?? ""
            let run = try await ChildProcess.run(python, [TestEnvironment.compatScript("dashboard_browser.py"),
                                                          "http://127.0.0.1:\(port)", owner.email, TestUsers.password]
                                                          + (shots.isEmpty ? [] : [shots]), timeout: 180)
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr.suffix(3000))")
            #expect(run.stdout.contains("dashboard browser: ok"))
            let zero = try db.query("SELECT status, assigned_to FROM issues WHERE title LIKE 'ZeroDivisionError%'").first
            #expect(try zero?.string("status") == "resolved")
            #expect(try zero?.optionalString("assigned_to") == owner.email)
            #expect(try db.query("SELECT count(*) AS n FROM issues WHERE status = 'resolved'").first?.int("n") == 1)
            // To the team, then to the owner: one activity each.
            #expect(try db.query("SELECT count(*) AS n FROM issue_activities WHERE type = 'assigned'").first?.int("n") == 2)
            #expect(try SessionRepository(db).count(userID: owner.id) == 0)
        }
    }
}
