import EventModel
import Foundation
import Store

/// An analyst's aggregate: events, issues and distinct users over a time range, bucketed by hour
/// or day and grouped by any of project, issue, release, environment, level or a tag. Pure:
/// parsed from the query string, turned into SQL by `AggregateRoutes`.
struct AggregateRequest: Equatable {
    typealias Dimension = EventDimension

    enum Format: String { case json, csv }

    var start: Date
    var end: Date
    var interval: TimeInterval
    var groupBy: [Dimension]
    var query: String
    var format: Format

    static let maxGroups = 4

    static func parse(_ parameters: [(String, String)], now: Date = Date()) throws(QueryError) -> AggregateRequest {
        func values(_ name: String) -> [String] { parameters.filter { $0.0 == name }.map(\.1) }
        let start: Date, end: Date
        if let from = values("start").first, let to = values("end").first {
            guard let a = RequestDate.parse(from), let b = RequestDate.parse(to), a < b else {
                throw QueryError(.badRequest, "start and end must be ISO 8601 dates, start before end")
            }
            (start, end) = (a, b)
        } else {
            let period: TimeInterval?
            do { period = try PeriodParameter.statsPeriod(values("statsPeriod").first ?? "24h") } catch {
                throw QueryError(.badRequest, "Invalid statsPeriod")
            }
            (start, end) = (now.addingTimeInterval(-(period ?? 86_400)), now)
        }
        guard end.timeIntervalSince(start) <= 90 * 86_400 else { throw QueryError(.badRequest, "The time range is longer than 90 days") }
        let interval: TimeInterval
        switch values("interval").first ?? (end.timeIntervalSince(start) <= 2 * 86_400 ? "hour" : "day") {
        case "hour", "1h": interval = 3600
        case "day", "1d": interval = 86_400
        case let other: throw QueryError(.badRequest, "Invalid interval: \(other) (hour or day)")
        }
        var dimensions: [Dimension] = []
        for name in values("groupBy") where !name.isEmpty {
            let dimension: Dimension
            switch name {
            case "project": dimension = .project
            case "issue": dimension = .issue
            case "release": dimension = .release
            case "environment": dimension = .environment
            case "level": dimension = .level
            default:
                guard name.hasPrefix("tag:"), name.count > 4, name.count <= 36 else {
                    throw QueryError(.badRequest, "Invalid groupBy: \(name) (project, issue, release, environment, level or tag:<key>)")
                }
                dimension = .tag(String(name.dropFirst(4)))
            }
            if !dimensions.contains(dimension) { dimensions.append(dimension) }
        }
        guard dimensions.count <= maxGroups else { throw QueryError(.badRequest, "At most \(maxGroups) groupBy values") }
        guard let format = Format(rawValue: values("format").first ?? "json") else {
            throw QueryError(.badRequest, "Invalid format (json or csv)")
        }
        return AggregateRequest(start: start, end: end, interval: interval, groupBy: dimensions,
                                query: values("query").first ?? "", format: format)
    }

    /// CSV as RFC 4180 wants it: fields with commas, quotes or line breaks are quoted. A text
    /// cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR:
    /// release names and tag values are anyone's) gets a leading `'`, as OWASP's CSV injection
    /// guidance says, and is quoted.
    static func csvField(_ text: String) -> String {
        let formula = text.unicodeScalars.first.map { ["=", "+", "-", "@", "\t", "\r"].contains($0) } ?? false
        let cell = formula ? "'" + text : text
        // By scalar: `\r\n` is one Character, equal to neither `\r` nor `\n`.
        guard formula || cell.unicodeScalars.contains(where: { [",", "\"", "\n", "\r"].contains($0) }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension EventDimension {
    /// The dimension as `groupBy` names it.
    var name: String {
        switch self {
        case .project: return "project"
        case .issue: return "issue"
        case .release: return "release"
        case .environment: return "environment"
        case .level: return "level"
        case .tag(let key): return "tag:\(key)"
        }
    }
}
