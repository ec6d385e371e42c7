import EventModel
import Foundation
import Testing
@testable import Query

/// The dashboard's pure parts: templates, the query string as a GET form sends it, status tabs,
/// triage forms to API bodies, and an event's view — hostile data stays text inside the layout.
@Suite struct DashboardViewTests {
    @Test func everyTemplateParsesAndTheLayoutEscapesItsValues() {
        #expect(DashboardTemplates.unparsable().isEmpty)
        let page = DashboardTemplates.render("layout", ["title": "<b>x</b>", "content": "<p>own</p>", "csrf": "t\"k"])
        #expect(page.contains("<title>&lt;b&gt;x&lt;/b&gt; · Faultline</title>"))
        #expect(page.contains("<p>own</p>"))
        #expect(page.contains("value=\"t&quot;k\""))
        #expect(page.contains("id=\"sign-out\""))
        #expect(!DashboardTemplates.render("layout", ["title": "x", "content": ""]).contains("sign-out"))
    }

    @Test func queryStringsDecodePlusAndPercentTwentyAlike() {
        let plus = PageQuery("query=is%3Aunresolved+ZeroDivision&environment=prod&id=1&id=2")
        #expect(plus["query"] == "is:unresolved ZeroDivision")
        #expect(PageQuery("query=is:unresolved%20ZeroDivision")["query"] == "is:unresolved ZeroDivision")
        #expect(plus.all("id") == ["1", "2"])
        #expect(plus["missing"] == nil)
        #expect(PageQuery("query=%ZZ").pairs.isEmpty)
        #expect(PageQuery(nil).pairs.isEmpty)
        let encoded = FormEncoding.query([("query", "is:unresolved a+b \"c\""), ("empty", "")])
        #expect(encoded == "query=is%3Aunresolved%20a%2Bb%20%22c%22")
        #expect(PageQuery(encoded)["query"] == "is:unresolved a+b \"c\"")
    }

    @Test func tabsReplaceOnlyTheStatusTerms() {
        #expect(StreamFilters.terms("is:unresolved  message:\"a b\" x") == ["is:unresolved", "message:\"a b\"", "x"])
        let resolved = StreamFilters.tabs.first { $0.label == "Resolved" }!
        #expect(StreamFilters.query("is:unresolved level:error \"two words\"", tab: resolved) == "is:resolved level:error \"two words\"")
        #expect(StreamFilters.currentTab("level:error is:resolved").map { StreamFilters.tabs[$0].label } == "Resolved")
        #expect(StreamFilters.currentTab("level:error") == nil)
        // Linear on a long unbalanced quote.
        #expect(StreamFilters.terms("\"" + String(repeating: "a ", count: 50_000)).count == 1)
    }

    @Test func triageFormsBecomeTheAPIsUpdateBodies() throws {
        #expect(try TriageForm.status(["status": "resolved"]) == ["status": "resolved"])
        #expect(try TriageForm.status(["status": "resolvedInRelease", "release": " shop@2 "])
                == ["status": "resolved", "statusDetails": ["inRelease": "shop@2"]])
        #expect(try TriageForm.status(["status": "ignored", "ignoreCount": "10", "ignoreWindow": "60", "ignoreDuration": ""])
                == ["status": "ignored", "statusDetails": ["ignoreCount": 10, "ignoreWindow": 60]])
        #expect(throws: QueryError.self) { try TriageForm.status(["status": "ignored", "ignoreCount": "99999999999999999999"]) }
        #expect(throws: QueryError.self) { try TriageForm.status(["status": "resolvedInRelease", "release": ""]) }
        #expect(throws: QueryError.self) { try TriageForm.status(["status": "deleted"]) }
        #expect(TriageForm.assignment("") == ["assignedTo": .null])
        #expect(TriageForm.assignment("team:ops") == ["assignedTo": "team:ops"])
        #expect(try TriageForm.bulk(action: "merge", assignee: "") == ["merge": true])
        #expect(throws: QueryError.self) { try TriageForm.bulk(action: "delete", assignee: "") }
        // Parsed by the API's own parser: conditions arrive as the API reads them.
        let update = try IssueUpdate.parse(try TriageForm.status(["status": "ignored", "ignoreUserCount": "5"]))
        #expect(update.status != nil)
    }

    @Test func formsGoBackOnlyToTheDashboard() {
        #expect(TriageForm.returnPath("/ui/acme/web/?query=is%3Aresolved", org: "acme") == "/ui/acme/web/?query=is%3Aresolved")
        for hostile in ["//evil.example/", "https://evil.example/", "/ui/\r\nSet-Cookie: x", "/ui/\\evil", "javascript:alert(1)", nil] {
            #expect(TriageForm.returnPath(hostile, org: "acme") == "/ui/acme/issues/")
        }
    }

    @Test func chartsHoldOnlyNumbersAndSaturate() {
        let spark = SVGChart.sparkline([.max, .max / 2, 0, -5, 1], label: "<x>")
        #expect(spark.contains("height=\"18\"") && spark.contains("&lt;x&gt;") && !spark.contains("<x>"))
        let chart = SVGChart.chart([.max, .max], label: "events")
        #expect(chart.contains("total \(Int64.max)"))
    }

    static let hostile = "<script>alert('x')</script>"
    static let long = String(repeating: "A", count: 10_000)

    @Test func aHostileEventRendersAsText() {
        let payload: JSON = [
            "message": .string(Self.hostile),
            "exception": ["values": [[
                "type": .string(Self.hostile), "value": .string(Self.hostile + Self.long),
                "stacktrace": ["frames": [
                    ["filename": "javascript:alert(1)", "function": .string(Self.hostile), "in_app": false, "lineno": 1],
                    ["filename": "app.py", "function": "handler", "in_app": true, "lineno": 10,
                     "pre_context": [.string(Self.hostile)], "context_line": .string(Self.long), "post_context": ["x"],
                     "vars": ["token": .string(Self.hostile)]],
                ]],
            ]]],
            "breadcrumbs": ["values": [["category": .string(Self.hostile), "message": .string(Self.long), "level": "<b>",
                                        "data": ["href": "javascript:alert(1)"]]]],
            "tags": [[.string(Self.hostile), .string("javascript:alert(1)")]],
            "user": ["email": .string(Self.hostile)],
            "contexts": ["trace": ["trace_id": "abc"], Self.hostile: ["a": .string(Self.hostile)]],
            "request": ["url": "javascript:alert(1)"],
        ]
        let record = QueryHardeningTests.record(payload.encodedString())
        let html = DashboardTemplates.render("event", EventView.context(record, org: "acme", issueID: 1))
        #expect(!html.contains("<script") && html.contains("level-&lt;b&gt;"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(!html.contains("href=\"javascript:"))
        // The in-app frame is shown open, the system frame inside a closed <details>.
        let app = html.range(of: "handler")!, system = html.range(of: "system frame(s)")!
        #expect(app.lowerBound < system.lowerBound)
        #expect(html.contains("<details class=\"system\">"))
        #expect(html.contains("Local variables") && html.contains("Whole value"))
        #expect(html.contains("id=\"user\"") && html.contains("id=\"context-trace\"") && html.contains("id=\"request\""))
        // Element ids from context names keep only letters, digits and dashes.
        #expect(html.contains("id=\"context--script-alert--x----script-\""))
    }

    @Test func noInAppFrameShowsEveryFrame() {
        let groups = EventView.groups(["frames": [["function": "a"], ["function": "b"]]])
        #expect(groups.count == 1 && groups[0]["app"] as? Bool == true && groups[0]["count"] as? Int == 2)
    }
}

