import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Postgres
import Store
import Testing

/// An invitation accepted in real headless Chromium against `faultline query` and real
/// PostgreSQL (Tests/compat/invitation_browser.py, selenium): the page's form, its CSRF token and
/// origin check as a browser sends them, the session it starts, the link used up.
@Suite struct InvitationBrowserTests {
    @Test(.enabled(if: DashboardBrowserTests.chromiumPresent, "Debian's chromium and chromium-driver are not installed (deploy/lib.sh ensure_packages installs them)"))
    func anInviteeJoinsInChromium() async throws {
        let executable = try TestEnvironment.executable
        let python = try TestEnvironment.python
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            _ = try TestTenant.create(db)
            let org = try #require(try AdminStore(db).organization(slug: "acme"))
            let (invitation, token) = try InvitationRepository(db).create(organizationID: org.id, email: "invited@acme.test",
                                                                          role: .admin, invitedByUserID: nil)

            let port = try SecretLoggingTests.freePort()
            let query = ChildProcess(executable, ["query", "--port", String(port)],
                                     environment: ["FAULTLINE_DATABASE_URL": database.url])
            try query.start()
            defer { query.kill(SIGKILL) }
            #expect(await query.waitForOutput("listening on"), "\(query.stderr.suffix(1000))")
            let shots = ProcessInfo.processInfo.environment["FAULTLINE_TEST_SCREENSHOTS"] ?? ""
            let run = try await ChildProcess.run(python, [TestEnvironment.compatScript("invitation_browser.py"),
                                                          "http://127.0.0.1:\(port)", "/ui/accept/\(token)", "a long password"]
                                                          + (shots.isEmpty ? [] : [shots]), timeout: 180)
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr.suffix(3000))")
            #expect(run.stdout.contains("invitation browser: ok"))
            let user = try #require(try UserRepository(db).user(email: "invited@acme.test"))
            #expect(user.name == "Invited Person")
            #expect(try UserRepository(db).members(organizationID: org.id, memberID: invitation.id).first?.role == .admin)
            #expect(try SessionRepository(db).count(userID: user.id) == 1)
        }
    }
}
