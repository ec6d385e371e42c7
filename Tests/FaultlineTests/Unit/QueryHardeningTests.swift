import EventModel
import Foundation
import Testing
@testable import Query

/// The pure parts of the query's hardening (docs/HARDENING.md, "Query, dashboard and
/// fuzzing"): the dashboard's origin check, CSV cells a spreadsheet would run, sums of stored
/// counts, dates from requests, and rendering stored events whatever they hold.
@Suite struct QueryHardeningTests {
    // MARK: Origin

    static let own = [WebOrigin(scheme: "http", authority: "faultline.test:9000")!]

    static func allows(origin: String? = nil, referer: String? = nil, _ allowed: [WebOrigin] = own) -> Bool {
        WebOrigin.allows(origins: origin.map { [$0] } ?? [], referers: referer.map { [$0] } ?? [], allowed: allowed)
    }

    @Test func originMustMatchSchemeHostAndPortExactly() {
        #expect(Self.allows(origin: "http://faultline.test:9000"))
        #expect(Self.allows(origin: "HTTP://Faultline.TEST:9000"))
        #expect(!Self.allows(origin: "https://faultline.test:9000"))
        #expect(!Self.allows(origin: "http://faultline.test:9001"))
        #expect(!Self.allows(origin: "http://faultline.test"))
        // The old check compared host prefixes: a longer host with the same start passed.
        #expect(!Self.allows(origin: "http://faultline.test.evil.example:9000"))
        #expect(!Self.allows(origin: "http://faultline.tes:9000"))
        #expect(!Self.allows(origin: "http://evil.example:9000"))
        #expect(!Self.allows(origin: "null"))
        #expect(!Self.allows(origin: "http://user@faultline.test:9000"))
        #expect(!Self.allows(origin: "http://faultline.test:99999"))
        #expect(!Self.allows(origin: "http://faultline.test:-1"))
        #expect(!Self.allows(origin: "ftp://faultline.test:9000"))
        #expect(!Self.allows(origin: ""))
    }

    @Test func defaultPortsAndIPv6AreTheSameOrigin() {
        let plain = [WebOrigin(scheme: "http", authority: "faultline.test")!]
        #expect(Self.allows(origin: "http://faultline.test:80", plain))
        #expect(Self.allows(origin: "http://faultline.test", plain))
        #expect(!Self.allows(origin: "https://faultline.test", plain))
        let tls = [WebOrigin(url: "https://faultline.example.com/")!]
        #expect(Self.allows(origin: "https://faultline.example.com:443", tls))
        #expect(!Self.allows(origin: "http://faultline.example.com", tls))
        let v6 = [WebOrigin(scheme: "http", authority: "[::1]:9000")!]
        #expect(Self.allows(origin: "http://[::1]:9000", v6))
        #expect(!Self.allows(origin: "http://[::1]:9001", v6))
        #expect(WebOrigin(scheme: "http", authority: "[::1") == nil)
        #expect(WebOrigin(scheme: "http", authority: "") == nil)
    }

    @Test func withoutOriginTheRefererDecidesAndWithNeitherTheFormIsRefused() {
        #expect(Self.allows(referer: "http://faultline.test:9000/ui/login?next=/ui/"))
        #expect(!Self.allows(referer: "http://evil.example/ui/login"))
        #expect(!Self.allows(referer: "http://faultline.test:9000.evil.example/"))
        #expect(!Self.allows())
        // Origin wins over Referer; two Origin headers are not one origin.
        #expect(!Self.allows(origin: "http://evil.example", referer: "http://faultline.test:9000/ui/"))
        #expect(!WebOrigin.allows(origins: ["http://faultline.test:9000", "http://evil.example"], referers: [], allowed: Self.own))
    }

    // MARK: CSV

    @Test func csvCellsThatSpreadsheetsRunAreNeutralised() {
        #expect(AggregateRequest.csvField("=cmd|' /C calc'!A0") == "\"'=cmd|' /C calc'!A0\"")
        #expect(AggregateRequest.csvField("+1+1") == "\"'+1+1\"")
        #expect(AggregateRequest.csvField("-2+3") == "\"'-2+3\"")
        #expect(AggregateRequest.csvField("@SUM(A1)") == "\"'@SUM(A1)\"")
        #expect(AggregateRequest.csvField("\t=1") == "\"'\t=1\"")
        #expect(AggregateRequest.csvField("\r=1") == "\"'\r=1\"")
        #expect(AggregateRequest.csvField("=\"x\",y") == "\"'=\"\"x\"\",y\"")
        #expect(AggregateRequest.csvField("shop@1.0") == "shop@1.0")
        #expect(AggregateRequest.csvField("a,b") == "\"a,b\"")
        #expect(AggregateRequest.csvField("") == "")
        // `\r\n` is one Character in Swift: it must still be quoted, or it starts a new row.
        #expect(AggregateRequest.csvField("a\r\nb") == "\"a\r\nb\"")
    }

    // MARK: Sums and dates

    @Test func storedCountsSaturateInsteadOfTrapping() {
        #expect(Saturating.add(.max, 1) == .max)
        #expect(Saturating.add(.min, -1) == .min)
        #expect(Saturating.add(.max, .min) == -1)
        #expect(Saturating.add(2, 3) == 5)
        #expect(Saturating.int64("9223372036854775807") == .max)
        #expect(Saturating.int64("18446744073709551614") == .max)
        #expect(Saturating.int64("-99999999999999999999999") == .min)
        #expect(Saturating.int64("12.000") == 12)
        #expect(Saturating.int64("12.5") == nil)
        #expect(Saturating.int64("") == nil)
        #expect(Saturating.int64("1e5") == nil)
        #expect(SVGChart.sparkline([.max, .max / 2, 0, -5, 1], label: "events").contains("height=\"18\""))
    }

    @Test func statsSumsOfRowsWithDifferentReasonsSaturate() throws {
        let query = try StatsQuery.parse(["field": ["sum(quantity)", "sum(times_seen)"], "category": ["error"], "groupBy": ["outcome"],
                                          "statsPeriod": ["2h"], "interval": ["1h"]], now: StatsQueryTests.now)
        let bucket = Int(query.start.timeIntervalSince1970)
        let rows = ["a", "b", "c"].map { reason in
            StatsResult.Row(projectID: 1, bucket: bucket, category: 1, outcome: 1, reason: reason, quantity: .max - 1, timesSeen: .max)
        } + [StatsResult.Row(projectID: 1, bucket: bucket, category: 1, outcome: 2, reason: "", quantity: .min, timesSeen: -1),
             StatsResult.Row(projectID: 1, bucket: bucket, category: 1, outcome: 2, reason: "x", quantity: -1, timesSeen: -1)]
        let response = StatsResult.build(rows, query: query)
        let filtered = try #require(response.groups.first { $0.by["outcome"] == "filtered" })
        #expect(filtered.totals["sum(quantity)"] == .max)
        #expect(filtered.totals["sum(times_seen)"] == .max)
        #expect(filtered.series?["sum(quantity)"]?.first == .max)
        let limited = try #require(response.groups.first { $0.by["outcome"] == "rate_limited" })
        #expect(limited.totals["sum(quantity)"] == .min)
    }

    @Test func requestDatesOutsideYearsOneToNineThousandNineHundredNinetyNineAreRefused() throws {
        #expect(RequestDate.parse("0000-06-01T00:00:00Z") == nil)
        #expect(RequestDate.parse("0001-01-01T00:00:00+01:00") == nil)
        #expect(RequestDate.parse("0001-01-01T00:00:00Z") != nil)
        #expect(RequestDate.parse("9999-12-31T23:59:59Z") != nil)
        #expect(RequestDate.parse("9999-12-31T23:59:59-01:00") == nil)
        let query: [String: [String]] = ["field": ["sum(quantity)"], "category": ["error"],
                                         "start": ["0000-01-01T00:00:00Z"], "end": ["0000-01-02T00:00:00Z"]]
        #expect(StatsQueryTests.message(query) == "0000-01-01T00:00:00Z is not a valid ISO8601 date query")
        #expect(StatsQueryTests.message(["field": ["sum(quantity)"], "category": ["error"], "statsPeriod": ["99999999999d"]])
                == "Invalid statsPeriod")
        for interval in ["0s", "-1h", "99999999999d", "1e3h", "1.5h"] {
            #expect(StatsQueryTests.message(["field": ["sum(quantity)"], "category": ["error"], "interval": [interval]]) != nil, "\(interval)")
        }
        // The largest interval that parses is capped at the longest period, not multiplied past Int.
        #expect(try StatsQuery.parse(["field": ["sum(quantity)"], "category": ["error"], "interval": ["999999999w"]],
                                     now: StatsQueryTests.now).interval == StatsQuery.maxPeriod)
    }

    @Test func timestampFormattingIsTotal() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1e300)) == "0000-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: .nan)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: .infinity)) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_700_000_000.5)) == "2023-11-14T22:13:20.500Z")
    }

    // MARK: Stored events

    static func record(_ payload: String) -> EventRecord {
        let (object, readable) = EventRecord.payload(payload)
        return EventRecord(projectID: 1, eventID: "9ec79c33ec9942ab8353589fcb2e04dc", issueID: 1,
                           timestamp: Date(timeIntervalSince1970: 1_700_000_000), received: Date(timeIntervalSince1970: 1_700_000_001),
                           platform: "python", level: "error", title: "t", release: nil, environment: nil, traceID: nil,
                           userKey: nil, payload: object, payloadReadable: readable, size: payload.utf8.count)
    }

    static func frames(_ json: JSON) -> [JSON] {
        json["entries"]?.array?.first { $0["type"] == "exception" }?["data"]?["values"]?.array?.first?["stacktrace"]?["frames"]?.array ?? []
    }

    @Test func lineNumbersAtInt64sBoundsRenderWithSaturatedContext() throws {
        let top = Self.record(#"""
            {"exception":{"values":[{"type":"E","stacktrace":{"frames":[
              {"lineno":9223372036854775807,"pre_context":["a"],"context_line":"b","post_context":["c","d"]},
              {"lineno":-9223372036854775808,"pre_context":["x","y"],"context_line":"z","post_context":["w"]}]}}]}}
            """#)
        let json = EventJSON.full(top)
        let frames = Self.frames(json)
        #expect(frames.count == 2)
        #expect(frames[0]["context"] == [[.int(.max - 1), "a"], [.int(.max), "b"], [.int(.max), "c"], [.int(.max), "d"]])
        #expect(frames[1]["context"] == [[.int(.min), "x"], [.int(.min), "y"], [.int(.min), "z"], [.int(.min + 1), "w"]])
        #expect(frames[0]["lineNo"] == .int(.max))
        #expect(try JSON.parse(json.encoded()) == json)
        #expect(DashboardTemplates.render("event", EventView.context(top, org: "acme", issueID: 1)).contains(":9223372036854775807"))
    }

    @Test func breadcrumbTimesNoDateHoldsAreReturnedAsStored() {
        let event = Self.record(#"""
            {"breadcrumbs":{"values":[{"timestamp":1e300,"message":"far"},{"timestamp":-1e300},{"timestamp":"soon"},
                                      {"timestamp":1700000000.5},{"timestamp":-62167219201}]}}
            """#)
        let crumbs = EventJSON.full(event)["entries"]?.array?.first { $0["type"] == "breadcrumbs" }?["data"]?["values"]?.array ?? []
        #expect(crumbs.map { $0["timestamp"] } == [.double(1e300), .double(-1e300), "soon", "2023-11-14T22:13:20.500Z", .int(-62_167_219_201)])
    }

    @Test func wrongShapesRenderAsAbsentValues() throws {
        let payloads = [
            #"{"exception":"boom","threads":7,"stacktrace":[1],"breadcrumbs":"x","request":[],"tags":5}"#,
            #"{"exception":{"values":[1,"x",null,{"stacktrace":{"frames":{"lineno":"12"}}},{"stacktrace":{"frames":[7,{"lineno":"12","pre_context":"x"},{"lineno":1.5,"post_context":{"a":1}}]}}]}}"#,
            #"{"tags":[["env","prod"],["lonely"],[1,2],"x"],"request":{"headers":[["Content-Type",1],["x"]],"query_string":[["a","b"]]}}"#,
            #"{"message":{"formatted":7},"logentry":"x","user":[],"contexts":"c","sdk":1,"extra":[],"modules":3}"#,
            #"{"exception":{"values":[{"stacktrace":{"frames":[{"lineno":1e300,"pre_context":["a"]},{"lineno":-0.0,"post_context":["b"]},{"lineno":1e19}]}}]}}"#,
            "[1,2,3]", "not json at all", "",
        ]
        for payload in payloads {
            let event = Self.record(payload)
            let json = EventJSON.full(event)
            #expect(try JSON.parse(json.encoded()) == json, "\(payload)")
            _ = DashboardTemplates.render("event", EventView.context(event, org: "acme", issueID: 1))
        }
        let pairs = EventJSON.full(Self.record(payloads[2]))["tags"]
        #expect(pairs == [["key": "env", "value": "prod"]])
        #expect(EventJSON.full(Self.record("not json"))["errors"]?.array?.count == 1)
        #expect(EventJSON.full(Self.record("{}"))["errors"] == [])
    }
}
