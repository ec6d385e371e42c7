import Foundation
import Postgres
@testable import Store
import Testing
@testable import Query

/// Runs compiled searches against seeded issues and events. Issues and events are named by the
/// first letter of their titles, so a result reads as "AD".
@Suite struct IssueSearchSQLTests {
    struct Fixture {
        let db: PGConnection
        let project: Int64
        let now: Date

        func issues(_ query: String, userEmail: String? = nil) throws -> String {
            try run(query, target: .issues, userEmail: userEmail,
                    sql: { "SELECT i.title FROM issues i WHERE i.project_id = $1 AND \($0) ORDER BY i.title" })
        }

        func events(_ query: String) throws -> String {
            try run(query, target: .events, userEmail: nil,
                    sql: { "SELECT e.title FROM events e WHERE e.project_id = $1 AND \($0) ORDER BY e.title" })
        }

        private func run(_ query: String, target: SearchTarget, userEmail: String?, sql: (String) -> String) throws -> String {
            let search = try IssueSearch.parse(query, now: now)
            // The project is $1, so the fragment's placeholders start at $2.
            var parameters: [any PGBindable] = [project]
            let condition = try SearchSQL.compile(search, target: target, userEmail: userEmail, parameters: &parameters)
            return try db.query(sql(condition), parameters).rows.map { try String($0.string("title").prefix(1)) }.joined()
        }

        func ago(_ seconds: Double) -> Date { now.addingTimeInterval(-seconds) }

        func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    }

    static let hour = 3_600.0
    static let day = 86_400.0

    static func seed(_ db: PGConnection) throws -> Fixture {
        let store = AdminStore(db)
        let organization = try store.createOrganization(slug: "acme")
        let project = try store.createProject(organization: "acme", slug: "web").id
        let other = try store.createProject(organization: "acme", slug: "api").id
        let fixture = Fixture(db: db, project: project, now: Date())
        let ago = fixture.ago

        var shortID: Int64 = 0
        func issue(_ project: Int64, _ title: String, culprit: String, level: String, status: String, substatus: String,
                   firstSeen: Date, lastSeen: Date, timesSeen: Int64, firstRelease: String?, assignedTo: String?) throws -> Int64 {
            shortID += 1
            return try db.query("""
                INSERT INTO issues (project_id, short_id, title, culprit, level, status, substatus, first_seen, last_seen,
                                    times_seen, first_release, assigned_to)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
                """, [project, shortID, title, culprit, level, status, substatus, firstSeen, lastSeen, timesSeen,
                      firstRelease, assignedTo]).first!.int("id")
        }
        let a = try issue(project, "A ValueError: bad input", culprit: "app.views in handle", level: "error",
                          status: "unresolved", substatus: "new", firstSeen: ago(hour), lastSeen: ago(600), timesSeen: 150,
                          firstRelease: "1.0", assignedTo: "Alice@Example.com")
        let b = try issue(project, "B KeyError: 'id'", culprit: "app.models in load", level: "warning",
                          status: "resolved", substatus: "", firstSeen: ago(10 * day), lastSeen: ago(2 * day), timesSeen: 5,
                          firstRelease: "0.9", assignedTo: nil)
        let c = try issue(project, "C Injection '; DROP TABLE issues; --", culprit: #"C:\path\100%_done"#, level: "fatal",
                          status: "ignored", substatus: "archived_forever", firstSeen: ago(40 * day), lastSeen: ago(30 * day),
                          timesSeen: 1_000, firstRelease: nil, assignedTo: "carol@example.com")
        let d = try issue(project, "D TypeError: x is undefined", culprit: "", level: "error",
                          status: "unresolved", substatus: "regressed", firstSeen: ago(3 * day), lastSeen: ago(1.5 * hour),
                          timesSeen: 100, firstRelease: "2.0", assignedTo: nil)
        let e = try issue(project, "E ZeroDivisionError", culprit: "calc", level: "info",
                          status: "unresolved", substatus: "escalating", firstSeen: ago(5 * hour), lastSeen: ago(300),
                          timesSeen: 1, firstRelease: "1.0", assignedTo: nil)
        // Another project's issue matches much, and must never be found.
        let f = try issue(other, "F Other project", culprit: "calc", level: "error", status: "unresolved", substatus: "new",
                          firstSeen: ago(hour), lastSeen: ago(60), timesSeen: 100, firstRelease: "3.0", assignedTo: "Alice@Example.com")

        let tags: [(Int64, String, String)] = [
            (a, "environment", "production"), (a, "release", "1.0"), (a, "level", "error"), (a, "browser", "Chrome 120"),
            (a, "server", "web-1"),
            (b, "environment", "staging"), (b, "release", "0.9"), (b, "release", "2.0"), (b, "level", "warning"),
            (b, "browser", "Firefox"),
            (c, "level", "fatal"), (c, "weird", "it's; DROP TABLE issues; --"), (c, "pct", "100%"), (c, "under", "a_b"),
            (c, "path", #"C:\dir\*"#), (c, "user.email", "dave@example.com"), (c, "quote", #"say "hi""#),
            (d, "level", "error"), (d, "browser", "Chrome 121"),
            (e, "level", "info"), (e, "pct", "1000"), (e, "under", "axb"), (e, "path", #"C:\dirx"#),
            (f, "browser", "Firefox"),
        ]
        for (issue, key, value) in tags {
            try db.query("""
                INSERT INTO issue_tag_values (project_id, issue_id, key, value, first_seen, last_seen, count)
                SELECT project_id, id, $2, $3, now(), now(), 1 FROM issues WHERE id = $1
                """, [issue, key, value])
        }
        for (issue, environment) in [(a, "production"), (b, "staging"), (e, "prod-eu"), (f, "production")] {
            try db.query("""
                INSERT INTO issue_environments (project_id, issue_id, environment, first_seen, last_seen, count)
                SELECT project_id, id, $2, now(), now(), 1 FROM issues WHERE id = $1
                """, [issue, environment])
        }
        for (issue, release) in [(a, "1.0"), (b, "0.9"), (b, "2.0"), (d, "2.0"), (e, "1.0"), (f, "3.0")] {
            try db.query("""
                INSERT INTO issue_releases (project_id, issue_id, release, first_seen, last_seen, count)
                SELECT project_id, id, $2, now(), now(), 1 FROM issues WHERE id = $1
                """, [issue, release])
        }
        for (issue, user) in [(a, "email:bob@example.com"), (b, "id:7"), (d, "email:o'brien@example.com"), (f, "email:bob@example.com")] {
            try db.query("INSERT INTO issue_users (project_id, issue_id, user_key) SELECT project_id, id, $2 FROM issues WHERE id = $1",
                         [issue, user])
        }
        // 2.0 is the web project's newest release; 3.0 is newer but only the api project's.
        for (version, age, releaseProject) in [("0.9", 30 * day, project), ("1.0", 5 * day, project), ("2.0", day, project), ("3.0", 0, other)] {
            let id = try db.query("INSERT INTO releases (organization_id, version, created_at) VALUES ($1, $2, $3) RETURNING id",
                                  [organization.id, version, ago(age)]).first!.int("id")
            try db.query("INSERT INTO release_projects (release_id, project_id) VALUES ($1, $2)", [id, releaseProject])
        }

        let events: [(Int64, String, String, String?, String?, String)] = [
            (a, "error", "A ValueError: bad input", "1.0", "production",
             #"{"tags": {"browser": "Chrome 120", "environment": "production", "level": "error", "release": "1.0"}, "user": {"email": "bob@example.com"}}"#),
            (b, "warning", "B KeyError: 'id'", "2.0", "staging", #"{"tags": {"browser": "Firefox", "release": "2.0"}, "user": {"id": "7"}}"#),
            (c, "fatal", "C Injection '; DROP TABLE issues; --", nil, nil,
             #"{"tags": {"weird": "it's; DROP TABLE issues; --", "pct": "100%"}}"#),
            (d, "error", "D TypeError: x is undefined", "2.0", nil, #"{"tags": {}}"#),
            (f, "error", "F Other project", "3.0", "production", #"{"tags": {"browser": "Firefox"}}"#),
        ]
        for (issue, level, title, release, environment, payload) in events {
            let eventProject = issue == f ? other : project
            try db.query("""
                INSERT INTO events (project_id, event_id, issue_id, timestamp, received_at, level, title, release, environment, payload)
                VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9::jsonb)
                """, [eventProject, UUID(), issue, ago(600), level, title, release, environment, payload])
        }
        return fixture
    }

    @Test func statusesAndAssignment() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let search = try Self.seed(db)
            #expect(try search.issues("") == "ABCDE")
            #expect(try search.issues("is:unresolved") == "ADE")
            #expect(try search.issues("is:resolved") == "B")
            #expect(try search.issues("is:ignored") == "C")
            #expect(try search.issues("is:muted") == "C")
            #expect(try search.issues("is:archived") == "C")
            #expect(try search.issues("!is:unresolved") == "BC")
            #expect(try search.issues("is:[resolved, ignored]") == "BC")
            #expect(try search.issues("is:new") == "A")
            #expect(try search.issues("is:regressed") == "D")
            #expect(try search.issues("is:escalating") == "E")
            #expect(try search.issues("is:ongoing") == "")
            #expect(try search.issues("is:assigned") == "AC")
            #expect(try search.issues("is:unassigned") == "BDE")
            #expect(try search.issues("assigned:me", userEmail: "alice@example.com") == "A")
            #expect(try search.issues("assigned:me") == "")
            #expect(try search.issues("!assigned:me") == "ABCDE")
            #expect(try search.issues("assigned:none") == "BDE")
            #expect(try search.issues("assigned:carol@example.com") == "C")
            #expect(try search.issues("!assigned:carol@example.com") == "ABDE")
            #expect(try search.issues("assigned:[me, none]", userEmail: "ALICE@example.com") == "ABDE")
            #expect(try search.issues("assigned:*@example.com") == "AC")
        }
    }

    @Test func levelsReleasesEnvironments() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let search = try Self.seed(db)
            #expect(try search.issues("level:error") == "AD")
            #expect(try search.issues("level:[fatal, info]") == "CE")
            #expect(try search.issues("!level:error") == "BCE")
            #expect(try search.issues("release:2.0") == "BD")
            #expect(try search.issues("release:latest") == "BD")
            #expect(try search.issues("!release:latest") == "ACE")
            #expect(try search.issues("release:1.*") == "AE")
            #expect(try search.issues("release:[0.9, latest]") == "BD")
            #expect(try search.issues("release:3.0") == "")
            #expect(try search.issues("firstRelease:1.0") == "AE")
            #expect(try search.issues("firstRelease:latest") == "D")
            #expect(try search.issues("!firstRelease:1.0") == "BCD")
            #expect(try search.issues("environment:production") == "A")
            #expect(try search.issues("environment:prod*") == "AE")
            #expect(try search.issues("!environment:production") == "BCDE")
        }
    }

    @Test func tags() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let search = try Self.seed(db)
            #expect(try search.issues("browser:Firefox") == "B")
            #expect(try search.issues(#"browser:"Chrome 120""#) == "A")
            #expect(try search.issues("browser:Chrome*") == "AD")
            #expect(try search.issues("browser:*1*") == "AD")
            #expect(try search.issues("browser:chrome*") == "")
            #expect(try search.issues("!browser:Firefox") == "ACDE")
            #expect(try search.issues("tags[browser]:Firefox") == "B")
            #expect(try search.issues(#"browser:[Firefox, "Chrome 121"]"#) == "BD")
            #expect(try search.issues("has:browser") == "ABD")
            #expect(try search.issues("!has:browser") == "CE")
            #expect(try search.issues(#"browser:"""#) == "CE")
            #expect(try search.issues("has:environment") == "AB")
            #expect(try search.issues("tags[level]:fatal") == "C")
            #expect(try search.issues(#"quote:"say \"hi\"""#) == "C")
            #expect(try search.issues("is:unresolved level:error browser:Chrome*") == "AD")
            #expect(try search.issues("is:unresolved level:error browser:Chrome* !has:server") == "D")
        }
    }

    @Test func datesAndCounts() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let search = try Self.seed(db)
            #expect(try search.issues("firstSeen:-24h") == "AE")
            #expect(try search.issues("firstSeen:+7d") == "BC")
            #expect(try search.issues("age:-2h") == "A")
            #expect(try search.issues("age:+1w") == "BC")
            #expect(try search.issues("lastSeen:-1h") == "AE")
            #expect(try search.issues("lastSeen:+1d") == "BC")
            let fourDaysAgo = search.iso(search.ago(4 * Self.day))
            #expect(try search.issues("firstSeen:>=\(fourDaysAgo)") == "ADE")
            #expect(try search.issues("firstSeen:<\(fourDaysAgo)") == "BC")
            #expect(try search.issues("lastSeen:>\(fourDaysAgo) lastSeen:<=\(search.iso(search.ago(Self.hour)))") == "BD")
            let dayOfC = String(search.iso(search.ago(40 * Self.day)).prefix(10))
            #expect(try search.issues("firstSeen:\(dayOfC)") == "C")
            #expect(try search.issues("times_seen:>100") == "AC")
            #expect(try search.issues("timesSeen:>=100") == "ACD")
            #expect(try search.issues("times_seen:<=5") == "BE")
            #expect(try search.issues("times_seen:!=1") == "ABCD")
            #expect(try search.issues("times_seen:1k") == "C")
            #expect(try search.issues("times_seen:5") == "B")
            #expect(try search.issues("!times_seen:5") == "ACDE")
        }
    }

    @Test func usersAndFreeText() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let search = try Self.seed(db)
            #expect(try search.issues("user.email:bob@example.com") == "A")
            #expect(try search.issues("user.email:dave@example.com") == "C")
            #expect(try search.issues("user.email:*@example.com") == "ACD")
            #expect(try search.issues(#"user.email:"o'brien@example.com""#) == "D")
            #expect(try search.issues("valueerror") == "A")
            #expect(try search.issues("app.models") == "B")
            #expect(try search.issues(#""bad input""#) == "A")
            #expect(try search.issues("bad input") == "A")
            #expect(try search.issues("input bad") == "A")
            #expect(try search.issues(#""input bad""#) == "")
            #expect(try search.issues("message:division") == "E")
            #expect(try search.issues("Type*undefined") == "D")
            #expect(try search.issues("TypeError: x") == "D")
        }
    }

    @Test func hostileValuesMatchLiterally() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let search = try Self.seed(db)
            #expect(try search.issues(#"weird:"it's; DROP TABLE issues; --""#) == "C")
            #expect(try search.issues(#"weird:it's;"#) == "")
            #expect(try search.issues(#""'; DROP TABLE issues; --""#) == "C")
            #expect(try search.issues(#"'; DROP TABLE issues; --"#) == "C")
            #expect(try search.issues(#"tags['";DROP]:x"#) == "")
            #expect(try search.issues(#"x:"\"); DROP TABLE issues; --""#) == "")
            #expect(try search.issues(#"release:"1.0' OR '1'='1""#) == "")
            // % and _ are literal: no LIKE wildcard leaks from a value.
            #expect(try search.issues("pct:100%") == "C")
            #expect(try search.issues("pct:1*") == "CE")
            #expect(try search.issues("under:a_b") == "C")
            #expect(try search.issues("under:a_*") == "C")
            #expect(try search.issues("100%_done") == "C")
            #expect(try search.issues("1%0") == "")
            #expect(try search.issues("b_d") == "")
            #expect(try search.issues("%") == "C")
            #expect(try search.issues("_") == "C")
            #expect(try search.issues("__") == "")
            // Backslashes: `\\` is one backslash, `\*` a literal asterisk, `*` a wildcard.
            #expect(try search.issues(#"path:C:\\dir\\\*"#) == "C")
            #expect(try search.issues(#"path:"C:\\dir\\*""#) == "C")
            #expect(try search.issues(#"path:C:\\dir*"#) == "CE")
            #expect(try search.issues(#""C:\\path""#) == "C")
            #expect(try search.issues(#"\path\"#) == "C")
            // The tables are all still there.
            #expect(try db.query("SELECT count(*) AS n FROM issues").first?.int("n") == 6)
        }
    }

    @Test func events() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let search = try Self.seed(db)
            #expect(try search.events("") == "ABCD")
            #expect(try search.events("level:error") == "AD")
            #expect(try search.events("release:2.0") == "BD")
            #expect(try search.events("release:latest") == "BD")
            #expect(try search.events("!release:latest") == "AC")
            #expect(try search.events("release:*") == "ABD")
            #expect(try search.events("environment:production") == "A")
            #expect(try search.events("!environment:production") == "BCD")
            #expect(try search.events("browser:Firefox") == "B")
            #expect(try search.events("browser:Chrome*") == "A")
            #expect(try search.events("!browser:Firefox") == "ACD")
            #expect(try search.events("has:browser") == "AB")
            #expect(try search.events("!has:browser") == "CD")
            #expect(try search.events("has:release") == "ABD")
            #expect(try search.events("has:environment") == "AB")
            #expect(try search.events("user.email:bob@example.com") == "A")
            #expect(try search.events("user.email:*@example.com") == "A")
            #expect(try search.events("is:unresolved") == "AD")
            #expect(try search.events("is:resolved") == "B")
            #expect(try search.events("!is:unresolved") == "BC")
            #expect(try search.events("is:assigned") == "AC")
            #expect(try search.events("valueerror") == "A")
            #expect(try search.events(#"weird:"it's; DROP TABLE issues; --""#) == "C")
            #expect(try search.events("pct:100%") == "C")
            #expect(try search.events("pct:1_0%") == "")
            #expect(throws: SearchError(position: 0, "firstSeen cannot be used in this search")) {
                try search.events("firstSeen:-24h")
            }
        }
    }
}
