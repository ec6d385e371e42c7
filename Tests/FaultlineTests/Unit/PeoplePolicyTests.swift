import Foundation
import Testing
@testable import Query
@testable import Store

/// The pure parts of people and sign-in (docs/PEOPLE.md): the role → scopes table, session
/// expiry, the sign-in throttle, CSRF tokens, the password rules and the form parser.
@Suite struct PeoplePolicyTests {
    @Test func rolesGrantSentrysScopesEachAtLeastTheLowerOnes() {
        #expect(Role.allCases.sorted() == [.member, .admin, .manager, .owner])
        for (lower, higher) in zip(Role.allCases.sorted(), Role.allCases.sorted().dropFirst()) {
            #expect(lower.scopes.isStrictSubset(of: higher.scopes), "\(lower) ⊄ \(higher)")
        }
        // A member triages and reads, but changes no project, team, member or organization settings.
        #expect(Role.member.scopes.isSuperset(of: ["event:read", "event:write", "project:read", "org:read", "project:releases"]))
        for scope in ["project:write", "project:admin", "team:write", "member:write", "org:write", "org:admin"] {
            #expect(!Role.member.scopes.contains(scope), "\(scope)")
        }
        #expect(Role.admin.scopes.contains("project:write") && !Role.admin.scopes.contains("org:write"))
        #expect(!Role.admin.scopes.contains("member:write"))
        #expect(Role.manager.scopes.contains("member:admin") && !Role.manager.scopes.contains("org:admin"))
        #expect(Role.owner.scopes.contains("org:admin"))
        // Every scope Faultline's routes check is granted to the owner.
        #expect(Set(Scope.all).isSubset(of: Role.owner.scopes))
        #expect(Role(rawValue: "superuser") == nil)
    }

    @Test func sessionsEndWhenIdleOrOldAndRecordUseAtMostEveryInterval() {
        let lifetime = SessionLifetime(idle: 100, absolute: 1000, touchInterval: 10)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let expires = lifetime.expiry(from: start)
        #expect(expires == start.addingTimeInterval(1000))
        #expect(lifetime.verdict(expiresAt: expires, lastSeenAt: start, now: start.addingTimeInterval(5)) == .valid(touch: false))
        #expect(lifetime.verdict(expiresAt: expires, lastSeenAt: start, now: start.addingTimeInterval(10)) == .valid(touch: true))
        #expect(lifetime.verdict(expiresAt: expires, lastSeenAt: start, now: start.addingTimeInterval(99)) == .valid(touch: true))
        #expect(lifetime.verdict(expiresAt: expires, lastSeenAt: start, now: start.addingTimeInterval(100)) == .expired)
        // Used all the time, it still ends at its absolute expiry.
        #expect(lifetime.verdict(expiresAt: expires, lastSeenAt: start.addingTimeInterval(995), now: start.addingTimeInterval(999))
                == .valid(touch: false))
        #expect(lifetime.verdict(expiresAt: expires, lastSeenAt: start.addingTimeInterval(999), now: start.addingTimeInterval(1000))
                == .expired)
        // A clock step backwards does not revive or trap.
        #expect(lifetime.verdict(expiresAt: expires, lastSeenAt: start.addingTimeInterval(50), now: start) == .valid(touch: false))
    }

    @Test func throttleBlocksAfterTheLimitUntilTheWindowEnds() {
        var throttle = SignInThrottle(limit: 3, window: 60, capacity: 100)
        let t0 = Date(timeIntervalSince1970: 5_000)
        for second in 0..<3 {
            #expect(throttle.blockedUntil("a@x", now: t0.addingTimeInterval(Double(second))) == nil)
            throttle.recordFailure("a@x", now: t0.addingTimeInterval(Double(second)))
        }
        #expect(throttle.blockedUntil("a@x", now: t0.addingTimeInterval(3)) == t0.addingTimeInterval(60))
        #expect(throttle.blockedUntil("b@x", now: t0.addingTimeInterval(3)) == nil)
        #expect(throttle.blockedUntil("a@x", now: t0.addingTimeInterval(60)) == nil)
        // A new window starts counting afresh.
        throttle.recordFailure("a@x", now: t0.addingTimeInterval(61))
        #expect(throttle.blockedUntil("a@x", now: t0.addingTimeInterval(62)) == nil)
        throttle.recordFailure("c@x", now: t0)
        throttle.recordFailure("c@x", now: t0)
        throttle.reset("c@x")
        throttle.recordFailure("c@x", now: t0.addingTimeInterval(1))
        #expect(throttle.blockedUntil("c@x", now: t0.addingTimeInterval(2)) == nil)
    }

    @Test func throttleMemoryIsBoundedUnderAFloodOfKeys() {
        var throttle = SignInThrottle(limit: 2, window: 900, capacity: 1000)
        let t0 = Date(timeIntervalSince1970: 0)
        throttle.recordFailure("victim", now: t0)
        throttle.recordFailure("victim", now: t0)
        for index in 0..<200_000 { throttle.recordFailure("k\(index)", now: t0.addingTimeInterval(Double(index) / 1000)) }
        #expect(throttle.trackedKeys <= 1000)
        // The newest keys are the ones kept.
        #expect(throttle.blockedUntil("k199999", now: t0.addingTimeInterval(200)) == nil)
        throttle.recordFailure("k199999", now: t0.addingTimeInterval(200))
        #expect(throttle.blockedUntil("k199999", now: t0.addingTimeInterval(200)) != nil)
    }

    @Test func gateCountsAccountsCaseInsensitivelyAndAddresses() async {
        let gate = SignInGate(perAccount: 2, perAddress: 3, window: 900, capacity: 100)
        await gate.failed(account: "A@x.test", address: "10.0.0.1")
        await gate.failed(account: "a@X.test", address: "10.0.0.2")
        #expect(await gate.blockedUntil(account: "a@x.test", address: "10.0.0.9") != nil)
        #expect(await gate.blockedUntil(account: "b@x.test", address: "10.0.0.1") == nil)
        await gate.failed(account: "c@x.test", address: "10.0.0.1")
        await gate.failed(account: "d@x.test", address: "10.0.0.1")
        #expect(await gate.blockedUntil(account: "e@x.test", address: "10.0.0.1") != nil)
        await gate.succeeded(account: "A@X.TEST")
        #expect(await gate.blockedUntil(account: "a@x.test", address: "10.0.0.5") == nil)
    }

    @Test func csrfTokensBelongToOneSecret() {
        let token = CSRF.token(secret: "session-a")
        #expect(token.count == 64)
        #expect(CSRF.verify(token, secret: "session-a"))
        #expect(!CSRF.verify(token, secret: "session-b"))
        #expect(!CSRF.verify(nil, secret: "session-a"))
        #expect(!CSRF.verify(token, secret: nil))
        #expect(!CSRF.verify(CSRF.token(secret: ""), secret: ""))
        #expect(!CSRF.verify(String(token.dropLast()), secret: "session-a"))
        #expect(!CSRF.verify(token.uppercased(), secret: "session-a"))
        #expect(CSRF.hiddenField("a\"b").contains("a&quot;b"))
    }

    @Test func passwordRulesAndEmailShape() {
        #expect(PasswordPolicy.problem("short") != nil)
        #expect(PasswordPolicy.problem("long enough") == nil)
        #expect(PasswordPolicy.problem(String(repeating: "é", count: 37)) != nil)  // 74 bytes
        #expect(PasswordPolicy.problem("with\u{0}nul byte") != nil)
        #expect(UserRepository.emailProblem("a@b.test") == nil)
        for bad in ["", "@b", "a@", "no-at", "a b@c", "a@b\n", String(repeating: "a", count: 260) + "@b"] {
            #expect(UserRepository.emailProblem(bad) != nil, "\(bad)")
        }
        let hash = Passwords.hash("long enough", cost: 4)
        #expect(Passwords.verify("long enough", hash: hash))
        #expect(!Passwords.verify("long enougH", hash: hash))
        #expect(!Passwords.verify("long enough", hash: nil))
        #expect(!Passwords.verify("long enough", hash: "plain text"))
        #expect(Secrets.password().count == 20 && PasswordPolicy.problem(Secrets.password()) == nil)
        #expect(Secrets.sessionSecret() != Secrets.sessionSecret())
    }

    @Test func formFieldsAreFlatAndLinear() {
        #expect(DashboardRoutes.fields("a=1&b=x+y%21&a=2&c") == ["a": "1", "b": "x y!", "c": ""])
        #expect(DashboardRoutes.fields("a=%ZZ") == nil)
        let nested = "token" + String(repeating: "[a]", count: 5000) + "=v"
        #expect(DashboardRoutes.fields(nested)?.count == 1)
        #expect(DashboardRoutes.fields("") == [:])
    }

    @Test func theGrantIsTheMembershipOfTheOrganizationInThePath() {
        let acme = Membership(id: 1, organizationID: 10, organizationSlug: "acme", role: .member)
        let globex = Membership(id: 2, organizationID: 20, organizationSlug: "globex", role: .owner)
        #expect(DashboardSession.membership([acme, globex], path: "/ui/globex/web/") == globex)
        #expect(DashboardSession.membership([acme, globex], path: "/ui/") == acme)
        #expect(DashboardSession.membership([acme, globex], path: "/ui/initech/web/") == acme)
        #expect(DashboardSession.membership([], path: "/ui/acme/") == nil)
        let user = User(id: 7, email: "m@acme.test", name: "", isActive: true, createdAt: Date())
        let grant = acme.grant(user: user)
        #expect(grant.organizationID == 10 && grant.userID == 7 && grant.userEmail == "m@acme.test")
        #expect(grant.scopes == Role.member.scopes)
        #expect(DashboardSession.isPublic("/ui/login") && DashboardSession.isPublic("/ui/login/"))
        #expect(DashboardSession.isPublic("/ui/reset/abc"))
        #expect(!DashboardSession.isPublic("/ui/") && !DashboardSession.isPublic("/ui/loginx") && !DashboardSession.isPublic("/ui/acme/web/"))
    }
}
