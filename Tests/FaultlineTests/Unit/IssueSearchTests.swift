import Foundation
import Postgres
import Testing
@testable import Query
@testable import Store

@Suite struct IssueSearchTests {
    static let now = Date(timeIntervalSince1970: 1_717_243_200) // 2024-06-01T12:00:00Z

    func filters(_ text: String) throws -> [SearchFilter] {
        try IssueSearch.parse(text, now: Self.now).terms.map(\.filter)
    }

    func terms(_ text: String) throws -> [SearchTerm] {
        try IssueSearch.parse(text, now: Self.now).terms
    }

    func error(_ text: String) -> SearchError? {
        do {
            _ = try IssueSearch.parse(text, now: Self.now)
            return nil
        } catch {
            return error
        }
    }

    static func date(_ text: String) -> Date {
        SearchDateParser.absolute(Substring(text))!.0
    }

    // MARK: Empty and free text

    @Test func emptyQueryHasNoTerms() throws {
        #expect(try filters("") == [])
        #expect(try filters("   \t ") == [])
    }

    @Test func bareWordsAndQuotedStringsAreFreeText() throws {
        #expect(try filters("timeout db") == [.text(SearchValue("timeout")), .text(SearchValue("db"))])
        #expect(try filters(#""connection reset" db"#) == [.text(SearchValue("connection reset")), .text(SearchValue("db"))])
        #expect(try filters(#""say \"hi\"""#) == [.text(SearchValue(#"say "hi""#))])
        #expect(try filters("foo(bar) x[1]") == [.text(SearchValue("foo(bar)")), .text(SearchValue("x[1]"))])
        #expect(try filters("Time*out") == [.text(SearchValue(pieces: ["Time", "out"]))])
        // A key followed by a space is text, as when a title is pasted.
        #expect(try filters("TypeError: boom") == [.text(SearchValue("TypeError:")), .text(SearchValue("boom"))])
        // Only upper-case OR/AND are operators.
        #expect(try filters("or and") == [.text(SearchValue("or")), .text(SearchValue("and"))])
        #expect(try filters("!oops") == [.text(SearchValue("!oops"))])
        #expect(try filters(#"message:"a b""#) == [.text(SearchValue("a b"))])
    }

    // MARK: is:

    @Test func statusValues() throws {
        #expect(try filters("is:unresolved") == [.status([.unresolved])])
        #expect(try filters("is:resolved") == [.status([.resolved])])
        #expect(try filters("is:ignored is:archived is:muted") == Array(repeating: .status([.ignored]), count: 3))
        #expect(try filters("is:assigned is:unassigned") == [.isAssigned(true), .isAssigned(false)])
        #expect(try filters("is:new is:ongoing is:regressed is:escalating")
                == [.substatus([.new]), .substatus([.ongoing]), .substatus([.regressed]), .substatus([.escalating])])
        #expect(try filters("is:Unresolved") == [.status([.unresolved])])
        #expect(try filters("is:[unresolved, muted, ignored]") == [.status([.unresolved, .ignored])])
        #expect(try filters("is:[new,regressed]") == [.substatus([.new, .regressed])])
        let negated = try terms("!is:resolved")
        #expect(negated == [SearchTerm(filter: .status([.resolved]), negated: true, key: "is", position: 0)])
    }

    @Test func invalidStatusNamesTheValidOnes() {
        let failure = error("level:error is:bogus")
        #expect(failure?.position == 15)
        #expect(failure?.message == #"Invalid value for "is" search, valid values are ['archived', 'assigned', 'escalating', 'ignored', 'muted', 'new', 'ongoing', 'regressed', 'resolved', 'unassigned', 'unresolved']"#)
        #expect(self.error("is:[resolved, new]")?.position == 3)
        #expect(self.error("is:[resolved, assigned]") != nil)
    }

    // MARK: Plain keys

    @Test func levelEnvironmentRelease() throws {
        #expect(try filters("level:error") == [.level([SearchValue("error")])])
        #expect(try filters("level:[error, fatal]") == [.level([SearchValue("error"), SearchValue("fatal")])])
        #expect(try filters("environment:prod*") == [.environment([SearchValue(pieces: ["prod", ""])])])
        #expect(try filters("release:1.2.3") == [.release([.version(SearchValue("1.2.3"))])])
        #expect(try filters("release:latest") == [.release([.latest])])
        #expect(try filters("release:[latest, 1.0]") == [.release([.latest, .version(SearchValue("1.0"))])])
        #expect(try filters("firstRelease:2.0 first_release:latest")
                == [.firstRelease([.version(SearchValue("2.0"))]), .firstRelease([.latest])])
        #expect(try filters("user.email:a@b.c") == [.userEmail([SearchValue("a@b.c")])])
    }

    @Test func assignees() throws {
        #expect(try filters("assigned:me") == [.assignedTo([.me])])
        #expect(try filters("assigned:none") == [.assignedTo([.none])])
        #expect(try filters("assigned:Alice@Example.com") == [.assignedTo([.email(SearchValue("Alice@Example.com"))])])
        #expect(try filters("assigned:[me, none]") == [.assignedTo([.me, .none])])
        #expect(try filters("assigned:#Backend") == [.assignedTo([.team("backend")])])
        #expect(try terms("!assigned:me").first?.negated == true)
    }

    @Test func hasAndNegatedHas() throws {
        #expect(try terms("has:browser") == [SearchTerm(filter: .hasTag("browser"), key: "has", position: 0)])
        #expect(try terms("x !has:browser") == [SearchTerm(filter: .text(SearchValue("x")), position: 0),
                                               SearchTerm(filter: .hasTag("browser"), negated: true, key: "has", position: 2)])
        #expect(try filters("has:tags[os.name]") == [.hasTag("os.name")])
        #expect(throws: SearchError.self) { try IssueSearch.parse("has:[a, b]", now: Self.now) }
    }

    // MARK: Tags

    @Test func unknownKeysAreTags() throws {
        #expect(try filters("browser:Chrome") == [.tag(key: "browser", values: [SearchValue("Chrome")])])
        #expect(try filters("os.name:Mac-OS_X") == [.tag(key: "os.name", values: [SearchValue("Mac-OS_X")])])
        #expect(try filters("tags[level]:error") == [.tag(key: "level", values: [SearchValue("error")])])
        #expect(try filters("tags[my:key]:v") == [.tag(key: "my:key", values: [SearchValue("v")])])
        #expect(try filters("url:http://x/y?a=1") == [.tag(key: "url", values: [SearchValue("http://x/y?a=1")])])
        #expect(try terms("!browser:Chrome") == [SearchTerm(filter: .tag(key: "browser", values: [SearchValue("Chrome")]),
                                                           negated: true, key: "browser", position: 0)])
        #expect(try terms("!tags[os]:linux").first?.key == "tags[os]")
    }

    @Test func wildcardsAndEscapes() throws {
        #expect(try filters("browser:*Chrome*") == [.tag(key: "browser", values: [SearchValue(pieces: ["", "Chrome", ""])])])
        #expect(try filters(#"browser:a\*b"#) == [.tag(key: "browser", values: [SearchValue("a*b")])])
        #expect(try filters(#"path:"C:\\dir\\*""#) == [.tag(key: "path", values: [SearchValue(pieces: [#"C:\dir\"#, ""])])])
        #expect(try filters(#"path:C:\x"#) == [.tag(key: "path", values: [SearchValue(#"C:\x"#)])])
        #expect(SearchValue(pieces: ["100%", "a_b\\"]).likePattern == #"100\%%a\_b\\"#)
        #expect(SearchValue("x").containsPattern == "%x%")
    }

    @Test func quotedAndListValues() throws {
        #expect(try filters(#"browser:"Mobile Safari""#) == [.tag(key: "browser", values: [SearchValue("Mobile Safari")])])
        #expect(try filters(#"title:"it's \"quoted\"""#) == [.tag(key: "title", values: [SearchValue(#"it's "quoted""#)])])
        #expect(try filters(#"browser:[Chrome, "Mobile Safari" ,Firefox*]"#)
                == [.tag(key: "browser", values: [SearchValue("Chrome"), SearchValue("Mobile Safari"), SearchValue(pieces: ["Firefox", ""])])])
        // `key:""` is "has no such tag", as in Sentry.
        #expect(try terms(#"browser:"""#) == [SearchTerm(filter: .hasTag("browser"), negated: true, key: "browser", position: 0)])
    }

    // MARK: Dates

    @Test func relativeDates() throws {
        #expect(try filters("firstSeen:-24h") == [.firstSeen(.after(Self.now.addingTimeInterval(-86_400), inclusive: true))])
        #expect(try filters("firstSeen:+7d") == [.firstSeen(.before(Self.now.addingTimeInterval(-7 * 86_400), inclusive: true))])
        #expect(try filters("lastSeen:-30m") == [.lastSeen(.after(Self.now.addingTimeInterval(-1_800), inclusive: true))])
        #expect(try filters("age:-2w") == [.firstSeen(.after(Self.now.addingTimeInterval(-14 * 86_400), inclusive: true))])
        #expect(try filters("first_seen:-1h last_seen:+1h").count == 2)
    }

    @Test func absoluteDates() throws {
        let day = Self.date("2024-01-01")
        #expect(day == Date(timeIntervalSince1970: 1_704_067_200))
        #expect(try filters("firstSeen:>=2024-01-01") == [.firstSeen(.after(day, inclusive: true))])
        #expect(try filters("firstSeen:>2024-01-01") == [.firstSeen(.after(day, inclusive: false))])
        #expect(try filters("lastSeen:<2024-01-02T10:00:00Z")
                == [.lastSeen(.before(Date(timeIntervalSince1970: 1_704_189_600), inclusive: false))])
        #expect(try filters("lastSeen:<=2024-01-02T12:00:00+02:00")
                == [.lastSeen(.before(Date(timeIntervalSince1970: 1_704_189_600), inclusive: true))])
        #expect(try filters("firstSeen:2024-01-01") == [.firstSeen(.between(day, day.addingTimeInterval(86_400)))])
        let instant = Date(timeIntervalSince1970: 1_704_189_600)
        #expect(try filters("firstSeen:2024-01-02T10:00:00") == [.firstSeen(.between(instant.addingTimeInterval(-300), instant.addingTimeInterval(360)))])
        #expect(Self.date("2024-01-02T10:00:00.250Z") == instant.addingTimeInterval(0.25))
        #expect(Self.date("2024-01-02T10:00") == instant)
        #expect(Self.date("2024-01-02T05:30:00-0430") == instant)
        #expect(Self.date("2024-02-29") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(SearchDateParser.absolute("2023-02-29") == nil)
    }

    @Test func badDatesAreExplained() {
        let failure = error("is:unresolved firstSeen:2024-13-01")
        #expect(failure?.position == 24)
        #expect(failure?.message.hasPrefix(#"Invalid date for "firstSeen": "2024-13-01"; expected -24h"#) == true)
        #expect(self.error("lastSeen:>=yesterday")?.position == 11)
        #expect(self.error("firstSeen:24h") != nil)
        #expect(self.error("firstSeen:-24x") != nil)
        #expect(self.error("firstSeen:-h") != nil)
        #expect(self.error("firstSeen:2024-01-01T25:00:00") != nil)
        #expect(self.error("firstSeen:2024-01-01T10:00:00Zjunk") != nil)
        #expect(self.error("firstSeen:>-24h")?.message.contains("takes no operator") == true)
        #expect(self.error("age:-99999999w") != nil)
        #expect(self.error("age:-5300w")?.message.contains("too far back") == true)
        #expect(self.error("firstSeen:[-1h, -2h]")?.message == #""firstSeen" does not accept a list of values"#)
    }

    // MARK: Numbers

    @Test func timesSeen() throws {
        #expect(try filters("times_seen:>100") == [.timesSeen(.greater, 100)])
        #expect(try filters("timesSeen:<=5") == [.timesSeen(.lessOrEqual, 5)])
        #expect(try filters("timesSeen:>=1k") == [.timesSeen(.greaterOrEqual, 1_000)])
        #expect(try filters("timesSeen:<2m") == [.timesSeen(.less, 2_000_000)])
        #expect(try filters("times_seen:42 times_seen:=42") == [.timesSeen(.equal, 42), .timesSeen(.equal, 42)])
        #expect(try filters("times_seen:!=0") == [.timesSeen(.notEqual, 0)])
    }

    @Test func badNumbersAreExplained() {
        let failure = error("times_seen:>lots")
        #expect(failure?.position == 12)
        #expect(failure?.message == #"Invalid number for "times_seen": "lots"; expected a whole number such as 100 or 1k"#)
        #expect(self.error("times_seen:-5") != nil)
        #expect(self.error("times_seen:1.5") != nil)
        #expect(self.error("times_seen:99999999999999999999") != nil)
        #expect(self.error("times_seen:9999999999999999b") != nil)
    }

    // MARK: Errors and positions

    @Test func booleanStatementsAreRefused() {
        let message = #"Boolean statements containing "OR" or "AND" are not supported in this search"#
        #expect(error("a OR b") == SearchError(position: 2, message))
        #expect(error("level:error AND x") == SearchError(position: 12, message))
        #expect(error("(level:error)") == SearchError(position: 0, message))
        #expect(error("x )") == SearchError(position: 2, message))
    }

    @Test func syntaxErrorsPointAtTheFault() {
        #expect(error(#"browser:"Chrome"#) == SearchError(position: 8, "Missing closing quote"))
        #expect(error(#"x "unterminated"#)?.position == 2)
        #expect(error(#"browser:"a"b"#) == SearchError(position: 11, "Expected a space after a quoted value or list"))
        #expect(error("browser:[a, b") == SearchError(position: 8, "Missing ] to close the list"))
        #expect(error("browser:[]") == SearchError(position: 8, "Empty list"))
        #expect(error("browser:[a,,b]") == SearchError(position: 11, "Empty value in list"))
        #expect(error("browser:[a b]") == SearchError(position: 11, "Expected , or ] in the list"))
        #expect(error("browser:[a]x")?.position == 11)
        #expect(error("tags[os:linux") == SearchError(position: 0, "Missing ] to close tags["))
        #expect(error("level: error") == SearchError(position: 6, #"Missing value for "level""#))
        // Positions count characters (Unicode scalars), not bytes.
        #expect(error(#"ünïcödé is:nope"#)?.position == 11)
    }

    @Test func detailIsTheAPIText() {
        let failure = SearchError(position: 3, "Missing closing quote")
        #expect(failure.detail == "Error parsing search query: Missing closing quote (column 3)")
    }

    // MARK: Limits

    @Test func longQueriesAreRefused() throws {
        let longest = String(repeating: "a", count: 1_000)
        #expect(try filters(longest).count == 1)
        #expect(error(longest + "b") == SearchError(position: 1_000, "The search query is too long; the limit is 1000 characters"))
        // A huge query is refused without reading it all.
        let started = Date()
        #expect(error(String(repeating: "x:[a, ", count: 1_000_000))?.position == 1_000)
        #expect(Date().timeIntervalSince(started) < 1)
    }

    @Test func manyTermsAreRefused() throws {
        let fifty = Array(repeating: "a", count: 50).joined(separator: " ")
        #expect(try filters(fifty).count == 50)
        #expect(error(fifty + " b") == SearchError(position: 100, "The search query has too many terms; the limit is 50"))
    }

    @Test func positionsAreRecorded() throws {
        #expect(try terms("  level:error  !has:x   foo").map(\.position) == [2, 15, 24])
        #expect(try terms("timesSeen:>1 age:-1h").map(\.key) == ["timesSeen", "age"])
    }

    // MARK: SQL text (the queries themselves run in IssueSearchSQLTests)

    func compile(_ text: String, target: SearchTarget = .issues, userEmail: String? = nil,
                 parameters: inout [any PGBindable]) throws -> String {
        try SearchSQL.compile(try IssueSearch.parse(text, now: Self.now), target: target, userEmail: userEmail, parameters: &parameters)
    }

    @Test func placeholdersFollowExistingParameters() throws {
        var parameters: [any PGBindable] = [Int64(7), "x"]
        let sql = try compile("level:error browser:Chr*", parameters: &parameters)
        #expect(sql == #"(i.level = $3::text) AND (EXISTS (SELECT 1 FROM issue_tag_values t WHERE t.issue_id = i.id AND t.key = $4::text AND t.value LIKE $5::text ESCAPE '\'))"#)
        #expect(parameters.map(\.pgText) == ["7", "x", "error", "browser", "Chr%"])
    }

    @Test func emptySearchIsTrue() throws {
        var parameters: [any PGBindable] = []
        #expect(try compile("", parameters: &parameters) == "TRUE")
        #expect(parameters.isEmpty)
    }

    @Test func userValuesNeverReachTheSQLText() throws {
        let hostile = #"x'; DROP TABLE issues; -- \ $1 %_"#
        for query in [#"browser:"\#(hostile)""#, #"tags["'"]:"\#(hostile)""#, #""\#(hostile)""#,
                      #"user.email:"\#(hostile)""#, #"assigned:"\#(hostile)""#, #"release:"\#(hostile)""#] {
            for target in [SearchTarget.issues, .events] {
                var parameters: [any PGBindable] = []
                guard let sql = try? compile(query, target: target, parameters: &parameters) else { continue }
                #expect(!sql.contains("DROP"), "\(query)")
                #expect(!sql.contains("\"'\""), "\(query)")
                #expect(!parameters.isEmpty)
            }
        }
    }

    @Test func issueOnlyKeysAreRefusedForEvents() throws {
        for (query, key) in [("firstSeen:-1h", "firstSeen"), ("age:-1h", "age"), ("x times_seen:>1", "times_seen"),
                             ("assigned:me", "assigned"), ("lastSeen:-1d", "lastSeen"), ("firstRelease:1.0", "firstRelease")] {
            var parameters: [any PGBindable] = []
            #expect(throws: SearchError(position: query.hasPrefix("x ") ? 2 : 0, "\(key) cannot be used in this search")) {
                try compile(query, target: .events, parameters: &parameters)
            }
        }
        var parameters: [any PGBindable] = []
        let sql = try compile("is:unresolved", target: .events, parameters: &parameters)
        #expect(sql == "(EXISTS (SELECT 1 FROM issues i2 WHERE i2.id = e.issue_id AND i2.status = $1::text))")
    }

    @Test func assignedToMeWithoutAUserMatchesNothing() throws {
        var parameters: [any PGBindable] = []
        #expect(try compile("assigned:me", parameters: &parameters) == "(FALSE)")
        #expect(try compile("assigned:me", userEmail: "a@b.c", parameters: &parameters) == #"(i.assigned_to ILIKE $1::text ESCAPE '\')"#)
    }
}
