import EventModel
import Foundation
import Store
import Testing
@testable import Query

@Suite struct QueryPartsTests {
    @Test func issueUpdatesReadAsSentryClientsSendThem() throws {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(try IssueUpdate.parse(["status": "resolved", "snoozeDuration": .null]).status == .resolved)
        #expect(try IssueUpdate.parse(["status": "resolvedInNextRelease"]).status == .resolvedInNextRelease)
        #expect(try IssueUpdate.parse(["status": "resolved", "statusDetails": ["inRelease": "app@2.0"]]).status == .resolvedInRelease("app@2.0"))
        #expect(try IssueUpdate.parse(["status": "muted"]).status == .ignored(.init()))
        let snoozed = try IssueUpdate.parse(["status": "ignored", "statusDetails": ["ignoreDuration": 30, "ignoreUserCount": 5,
                                                                                      "ignoreUserWindow": 60]], now: now)
        #expect(snoozed.status == .ignored(.init(until: now.addingTimeInterval(1800), userCount: 5, userWindowMinutes: 60)))
        #expect(snoozed.echo["status"] == "ignored")
        #expect(try IssueUpdate.parse(["assignedTo": "user:jane@example.com"]).assignment == .assign("jane@example.com"))
        #expect(try IssueUpdate.parse(["assignedTo": ""]).assignment == .unassign)
        #expect(try IssueUpdate.parse(["merge": 1]).merge)
        #expect(throws: QueryError.self) { try IssueUpdate.parse(["status": "sideways"]) }
        #expect(throws: QueryError.self) { try IssueUpdate.parse(["status": "ignored", "statusDetails": ["ignoreWindow": 20_000]]) }
        #expect(throws: QueryError.self) { try IssueUpdate.parse(["status": "ignored", "statusDetails": ["ignoreCount": -1]]) }
    }

    @Test func shortIDsRoundTrip() {
        for number: Int64 in [1, 31, 32, 1000, 123_456_789] {
            let text = ShortID.format(projectSlug: "web", number: number)
            #expect(ShortID.parse(text)! == ("WEB", number))
        }
        #expect(ShortID.parse("web-1a")! == ("WEB", 42))
        #expect(ShortID.parse("WEB-") == nil)
        #expect(ShortID.parse("WEB-1I") == nil)
        #expect(ShortID.parse("nodash") == nil)
    }

    @Test func aggregateRequestsAreBounded() throws {
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let request = try AggregateRequest.parse([("groupBy", "release"), ("groupBy", "tag:region"), ("statsPeriod", "7d")], now: now)
        #expect(request.groupBy == [.release, .tag("region")])
        #expect(request.interval == 86_400)
        #expect(request.end.timeIntervalSince(request.start) == 7 * 86_400)
        #expect(try AggregateRequest.parse([], now: now).interval == 3600)
        #expect(throws: QueryError.self) { try AggregateRequest.parse([("statsPeriod", "365d")], now: now) }
        #expect(throws: QueryError.self) { try AggregateRequest.parse([("groupBy", "password")], now: now) }
        #expect(throws: QueryError.self) { try AggregateRequest.parse([("format", "xml")], now: now) }
        #expect(throws: QueryError.self) {
            try AggregateRequest.parse(["project", "issue", "release", "level", "environment"].map { ("groupBy", $0) }, now: now)
        }
        #expect(AggregateRequest.csvField("plain") == "plain")
        #expect(AggregateRequest.csvField("a,\"b\"") == "\"a,\"\"b\"\"\"")
    }

    @Test func statsBucketsEndAtTheCurrentOne() throws {
        let now = Date(timeIntervalSince1970: 1_700_003_700)
        let hours = StatsPeriod.day.buckets(now: now)
        #expect(hours.count == 24)
        #expect(hours.last == Int64(1_700_002_800))
        let span: Int64 = try #require(hours.last) - (try #require(hours.first))
        #expect(span == Int64(23 * 3600))
        #expect(StatsPeriod.fortnight.buckets(now: now).count == 14)
    }
}
