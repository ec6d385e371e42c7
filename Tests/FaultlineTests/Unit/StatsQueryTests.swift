import EventModel
import Foundation
import Testing
@testable import Query

@Suite struct StatsQueryTests {
    /// 2026-01-02T10:30:00Z
    static let now = Date(timeIntervalSince1970: 1_767_349_800)

    static func parse(_ query: [String: [String]]) throws -> StatsQuery { try StatsQuery.parse(query, now: now) }

    static func message(_ query: [String: [String]]) -> String? {
        do { _ = try parse(query); return nil } catch { return (error as? QueryError)?.detail }
    }

    @Test func badParametersGetSentrysMessages() {
        #expect(Self.message([:]) == "At least one \"field\" is required.")
        #expect(Self.message(["field": ["count()"]]) == "Invalid field: \"count()\"")
        #expect(Self.message(["field": ["sum(quantity)"], "groupBy": ["color"], "category": ["error"]]) == "Invalid groupBy: \"color\"")
        #expect(Self.message(["field": ["sum(quantity)"]]) == "Query must have category as groupby or filter")
        #expect(Self.message(["field": ["sum(quantity)"], "category": ["errors"]]) == "Invalid category: \"errors\"")
        #expect(Self.message(["field": ["sum(quantity)"], "category": ["attachment", "error"]])
                == "if filtering by attachment no other category may be present")
        #expect(Self.message(["field": ["sum(quantity)"], "groupBy": ["category"], "outcome": ["dropped"]]) == "Invalid outcome: \"dropped\"")
        #expect(Self.message(["field": ["sum(quantity)"], "groupBy": ["category"], "statsPeriod": ["91d"]]) == "Invalid statsPeriod")
        #expect(Self.message(["field": ["sum(quantity)"], "groupBy": ["category"], "statsPeriod": ["soon"]]) == "Invalid statsPeriod")
        #expect(Self.message(["field": ["sum(quantity)"], "groupBy": ["category"], "start": ["2026-01-01T00:00:00Z"]])
                == "start and end are both required")
        #expect(Self.message(["field": ["sum(quantity)"], "groupBy": ["category"], "start": ["nope"], "end": ["2026-01-01T00:00:00Z"]])
                == "nope is not a valid ISO8601 date query")
        #expect(Self.message(["field": ["sum(quantity)"], "groupBy": ["category"], "start": ["2026-01-02T00:00:00Z"],
                              "end": ["2026-01-01T00:00:00Z"]]) == "start must be before end")
        #expect(Self.message(["field": ["sum(quantity)"], "groupBy": ["category"], "interval": ["0h"]])
                == "Interval cannot result in a zero duration.")
        #expect(Self.message(["field": ["sum(quantity)"], "groupBy": ["category"], "project": ["web"]])
                == "Invalid project parameter. Values must be numbers.")
    }

    @Test func errorMeansDefaultErrorAndSecurityAndFiltersAreKept() throws {
        let query = try Self.parse(["field": ["sum(quantity)", "sum(times_seen)"], "category": ["error", "transaction"],
                                    "outcome": ["accepted", "rate_limited"], "reason": ["spike_protection"], "project": ["-1", "4"]])
        #expect(query.categories == [0, 1, 2, 3])
        #expect(query.outcomes == [0, 2])
        #expect(query.reasons == ["smart_rate_limit"])
        #expect(query.projectIDs == [4])
        #expect(query.fields == [.quantity, .timesSeen])
    }

    @Test func rangesRoundToWholeIntervals() throws {
        // Default: 14 days in days, ending at the next midnight.
        let fortnight = try Self.parse(["field": ["sum(quantity)"], "groupBy": ["category"]])
        #expect(fortnight.interval == 86400)
        #expect(StatsResult.format(fortnight.end) == "2026-01-03T00:00:00Z")
        #expect(StatsResult.format(fortnight.start) == "2025-12-20T00:00:00Z")
        #expect(fortnight.buckets.count == 14)
        // A day in hours, the last bucket holding now.
        let day = try Self.parse(["field": ["sum(quantity)"], "groupBy": ["category"], "statsPeriod": ["24h"]])
        #expect(day.interval == 3600)
        #expect(StatsResult.format(day.start) == "2026-01-01T11:00:00Z")
        #expect(StatsResult.format(day.end) == "2026-01-02T11:00:00Z")
        #expect(day.buckets.count == 24)
        // Explicit range and interval; 90 minutes round up to two hours.
        let explicit = try Self.parse(["field": ["sum(quantity)"], "groupBy": ["category"], "start": ["2026-01-01T00:00:00Z"],
                                       "end": ["2026-01-01T06:00:00Z"], "interval": ["90m"]])
        #expect(explicit.interval == 7200)
        #expect(explicit.buckets.map(StatsResult.format) == ["2026-01-01T00:00:00Z", "2026-01-01T02:00:00Z", "2026-01-01T04:00:00Z"])
        #expect(try Self.parse(["field": ["sum(quantity)"], "groupBy": ["category"], "statsPeriod": ["7d"]]).interval == 3600)
        #expect(try Self.parse(["field": ["sum(quantity)"], "groupBy": ["category"], "statsPeriod": ["8d"]]).interval == 86400)
    }

    @Test func rowsBecomeGroupsWithTotalsAndFilledSeries() throws {
        let query = try StatsQuery.parse(["field": ["sum(quantity)", "sum(times_seen)"], "groupBy": ["outcome", "category"],
                                          "start": ["2026-01-01T00:00:00Z"], "end": ["2026-01-01T03:00:00Z"], "interval": ["1h"]],
                                         now: Self.now)
        let midnight = 1_767_225_600
        let rows = [
            StatsResult.Row(projectID: 1, bucket: midnight, category: 1, outcome: 0, reason: "", quantity: 2, timesSeen: 2),
            StatsResult.Row(projectID: 2, bucket: midnight + 7200, category: 0, outcome: 0, reason: "", quantity: 3, timesSeen: 1),
            StatsResult.Row(projectID: 1, bucket: midnight + 3600, category: 4, outcome: 2, reason: "quota_exceeded", quantity: 900, timesSeen: 2),
        ]
        let result = StatsResult.build(rows, query: query)
        #expect(result.intervals == ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"])
        #expect(result.groups == [
            .init(by: ["outcome": "accepted", "category": "error"], totals: ["sum(quantity)": 5, "sum(times_seen)": 3],
                  series: ["sum(quantity)": [2, 0, 3], "sum(times_seen)": [2, 0, 1]]),
            .init(by: ["outcome": "rate_limited", "category": "attachment"], totals: ["sum(quantity)": 900, "sum(times_seen)": 2],
                  series: ["sum(quantity)": [0, 900, 0], "sum(times_seen)": [0, 2, 0]]),
        ])

        let byProject = try StatsQuery.parse(["field": ["sum(quantity)"], "groupBy": ["project"], "category": ["error"],
                                              "start": ["2026-01-01T00:00:00Z"], "end": ["2026-01-01T03:00:00Z"]], now: Self.now)
        let totals = StatsResult.build(rows, query: byProject)
        #expect(totals.intervals == nil)
        #expect(totals.groups.map(\.by) == [["project": .int(1)], ["project": .int(2)]])
        #expect(totals.groups.map(\.series) == [nil, nil])
        let text = String(decoding: try JSONEncoder().encode(totals), as: UTF8.self)
        #expect(!text.contains("intervals") && !text.contains("series"))
    }
}
