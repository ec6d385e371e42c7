import EventModel
import Foundation
import Quotas

/// The parameters of `GET /organizations/{org}/stats_v2/`, checked as Sentry checks them, with
/// its 400 messages, and the time range rounded to whole intervals (pure).
struct StatsQuery: Equatable, Sendable {
    enum Field: String, CaseIterable, Sendable {
        case quantity = "sum(quantity)"
        case timesSeen = "sum(times_seen)"
    }

    enum Dimension: String, CaseIterable, Sendable {
        case outcome, category, reason, project
    }

    var fields: [Field]
    var groupBy: [Dimension]
    /// Category ids to keep; nil for all.
    var categories: [Int]?
    /// Outcome ids to keep; nil for all.
    var outcomes: [Int]?
    /// Reasons to keep, as stored; nil for all.
    var reasons: [String]?
    /// Projects asked for; nil for all of the organization's.
    var projectIDs: [Int64]?
    /// Start of the first bucket and end of the last; multiples of `interval` since the epoch.
    var start: Date
    var end: Date
    /// Seconds per bucket, a multiple of an hour (the rollup's resolution).
    var interval: Int

    /// Bucket starts, from `start` to `end` (exclusive).
    var buckets: [Date] {
        stride(from: Int(start.timeIntervalSince1970), to: Int(end.timeIntervalSince1970), by: interval)
            .map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// No time series when grouping by project: totals per project only, as in Sentry.
    var hasSeries: Bool { !groupBy.contains(.project) }

    static let hour = 3600
    static let maxPeriod = 90 * 86400
    static let defaultPeriod = 14 * 86400

    /// Sentry's outcome names, by id.
    static let outcomeNames = ["accepted", "filtered", "rate_limited", "invalid", "abuse", "client_discard", "cardinality_limited"]

    /// Category names as the API writes them: default and security count as `error`, as in Sentry.
    static func categoryName(_ id: Int) -> String {
        if errorCategories.contains(id) { return DataCategory.error.rawValue }
        return DataCategory.allCases.first { $0.id == id }?.rawValue ?? "unknown"
    }

    static let errorCategories = [DataCategory.default.id, DataCategory.error.id, DataCategory.security.id]

    /// Sentry's alias for the spike protection reason, both ways.
    static func storedReason(_ name: String) -> String { name == "spike_protection" ? "smart_rate_limit" : name }
    static func reasonName(_ stored: String) -> String { stored == "smart_rate_limit" ? "spike_protection" : stored }

    /// `parameters` holds every value of each query parameter, in order.
    static func parse(_ parameters: [String: [String]], now: Date) throws(QueryError) -> StatsQuery {
        func values(_ key: String) -> [String] { (parameters[key] ?? []).filter { !$0.isEmpty } }
        func bad(_ message: String) -> QueryError { QueryError(.badRequest, message) }

        let fieldNames = values("field")
        guard !fieldNames.isEmpty else { throw bad("At least one \"field\" is required.") }
        var fields: [Field] = []
        for name in fieldNames {
            guard let field = Field(rawValue: name) else { throw bad("Invalid field: \"\(name)\"") }
            if !fields.contains(field) { fields.append(field) }
        }
        var groupBy: [Dimension] = []
        for name in values("groupBy") {
            guard let dimension = Dimension(rawValue: name) else { throw bad("Invalid groupBy: \"\(name)\"") }
            if !groupBy.contains(dimension) { groupBy.append(dimension) }
        }

        var categories: [Int]?
        let categoryNames = values("category")
        if !categoryNames.isEmpty {
            var ids = Set<Int>()
            for name in categoryNames {
                guard let category = DataCategory(rawValue: name) else { throw bad("Invalid category: \"\(name)\"") }
                if category == .error { ids.formUnion(errorCategories) } else { ids.insert(category.id) }
            }
            if ids.contains(DataCategory.attachment.id) && ids.count > 1 {
                throw bad("if filtering by attachment no other category may be present")
            }
            categories = ids.sorted()
        }
        guard categories != nil || groupBy.contains(.category) else {
            throw bad("Query must have category as groupby or filter")
        }

        var outcomes: [Int]?
        let outcomeNames = values("outcome")
        if !outcomeNames.isEmpty {
            outcomes = try outcomeNames.map { name throws(QueryError) -> Int in
                guard let id = Self.outcomeNames.firstIndex(of: name) else { throw bad("Invalid outcome: \"\(name)\"") }
                return id
            }
        }
        let reasonNames = values("reason")
        let reasons = reasonNames.isEmpty ? nil : reasonNames.map(storedReason)

        var projectIDs: [Int64]? = nil
        for value in values("project") {
            guard let id = Int64(value) else { throw bad("Invalid project parameter. Values must be numbers.") }
            if id == -1 { continue }
            projectIDs = (projectIDs ?? []) + [id]
        }

        // The range asked for, then whole intervals ending at or after its end (Sentry rounds the
        // same way: end up to an interval boundary, length up to whole intervals).
        let (from, to) = try range(parameters, now: now)
        let period = Int(to.timeIntervalSince(from).rounded(.up))
        let interval = try Self.interval(parameters["interval"]?.first, period: period)
        let length = max(1, (period + interval - 1) / interval) * interval
        let endSeconds = Int(to.timeIntervalSince1970.rounded(.up))
        let end = ((endSeconds + interval - 1) / interval) * interval
        return StatsQuery(fields: fields, groupBy: groupBy, categories: categories, outcomes: outcomes, reasons: reasons,
                          projectIDs: projectIDs, start: Date(timeIntervalSince1970: TimeInterval(end - length)),
                          end: Date(timeIntervalSince1970: TimeInterval(end)), interval: interval)
    }

    /// `statsPeriod` (default 14 days, at most 90) or `start` and `end`.
    static func range(_ parameters: [String: [String]], now: Date) throws(QueryError) -> (Date, Date) {
        let statsPeriod = parameters["statsPeriod"]?.first.flatMap { $0.isEmpty ? nil : $0 }
        let start = parameters["start"]?.first.flatMap { $0.isEmpty ? nil : $0 }
        let end = parameters["end"]?.first.flatMap { $0.isEmpty ? nil : $0 }
        if let statsPeriod {
            guard let seconds = PeriodParameter.seconds(statsPeriod), seconds > 0, seconds <= maxPeriod else {
                throw QueryError(.badRequest, "Invalid statsPeriod")
            }
            return (now.addingTimeInterval(-TimeInterval(seconds)), now)
        }
        if start != nil || end != nil {
            guard let start, let end else { throw QueryError(.badRequest, "start and end are both required") }
            guard let from = RequestDate.parse(start) else { throw QueryError(.badRequest, "\(start) is not a valid ISO8601 date query") }
            guard let to = RequestDate.parse(end) else { throw QueryError(.badRequest, "\(end) is not a valid ISO8601 date query") }
            guard from < to else { throw QueryError(.badRequest, "start must be before end") }
            guard to.timeIntervalSince(from) <= TimeInterval(maxPeriod) else {
                throw QueryError(.badRequest, "Invalid date range. Please try a more recent date range.")
            }
            return (from, to)
        }
        return (now.addingTimeInterval(-TimeInterval(defaultPeriod)), now)
    }

    /// `interval` rounded up to whole hours; by default an hour up to 7 days, else a day.
    static func interval(_ text: String?, period: Int) throws(QueryError) -> Int {
        guard let text, !text.isEmpty else { return period <= 7 * 86400 ? hour : 86400 }
        guard let seconds = PeriodParameter.seconds(text) else { throw QueryError(.badRequest, "Invalid interval: \"\(text)\"") }
        guard seconds > 0 else { throw QueryError(.badRequest, "Interval cannot result in a zero duration.") }
        return min(maxPeriod, (seconds + hour - 1) / hour * hour)
    }
}
