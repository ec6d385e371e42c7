import EventModel
import Foundation

/// Turns `outcomes_hourly` sums into stats_v2's answer (pure): rows grouped by the asked
/// dimensions, with totals and, unless grouped by project, one value per bucket (0 where
/// nothing happened).
enum StatsResult {
    /// Sums of one bucket for one combination of every dimension.
    struct Row: Sendable, Equatable {
        let projectID: Int64
        /// Unix seconds of the bucket's start (a multiple of the query's interval).
        let bucket: Int
        let category: Int
        let outcome: Int
        let reason: String
        let quantity: Int64
        let timesSeen: Int64
    }

    struct Response: Encodable, Sendable {
        let start: String
        let end: String
        let intervals: [String]?
        let groups: [Group]

        enum CodingKeys: String, CodingKey { case start, end, intervals, groups }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(start, forKey: .start)
            try c.encode(end, forKey: .end)
            try c.encodeIfPresent(intervals, forKey: .intervals)
            try c.encode(groups, forKey: .groups)
        }
    }

    struct Group: Encodable, Sendable, Equatable {
        let by: [String: JSON]
        let totals: [String: Int64]
        let series: [String: [Int64]]?
    }

    static func build(_ rows: [Row], query: StatsQuery) -> Response {
        let buckets = query.buckets.map { Int($0.timeIntervalSince1970) }
        let start = Int(query.start.timeIntervalSince1970)
        var sums: [[String: JSON]: (totals: [Int64], series: [[Int64]])] = [:]
        for row in rows {
            guard row.bucket >= start, query.interval > 0 else { continue }
            let index = (row.bucket - start) / query.interval
            guard index < buckets.count else { continue }
            let key = by(row, query.groupBy)
            var entry = sums[key] ?? (totals: Array(repeating: 0, count: query.fields.count),
                                      series: query.hasSeries ? Array(repeating: Array(repeating: 0, count: buckets.count), count: query.fields.count) : [])
            for (position, field) in query.fields.enumerated() {
                let value = field == .quantity ? row.quantity : row.timesSeen
                // Rows of different reasons (or keys) fold into one group: their sum may exceed Int64.
                entry.totals[position] = Saturating.add(entry.totals[position], value)
                if query.hasSeries { entry.series[position][index] = Saturating.add(entry.series[position][index], value) }
            }
            sums[key] = entry
        }
        let groups = sums.map { key, entry in
            Group(by: key,
                  totals: Dictionary(uniqueKeysWithValues: zip(query.fields.map(\.rawValue), entry.totals)),
                  series: query.hasSeries ? Dictionary(uniqueKeysWithValues: zip(query.fields.map(\.rawValue), entry.series)) : nil)
        }.sorted { sortKey($0.by, query.groupBy) < sortKey($1.by, query.groupBy) }
        return Response(start: format(query.start), end: format(query.end),
                        intervals: query.hasSeries ? buckets.map { format(Date(timeIntervalSince1970: TimeInterval($0))) } : nil,
                        groups: groups)
    }

    /// The group's `by`: names for outcome and category, the reason as the API spells it, the
    /// project's id.
    static func by(_ row: Row, _ dimensions: [StatsQuery.Dimension]) -> [String: JSON] {
        var by: [String: JSON] = [:]
        for dimension in dimensions {
            switch dimension {
            case .outcome:
                by["outcome"] = .string(row.outcome < StatsQuery.outcomeNames.count ? StatsQuery.outcomeNames[row.outcome] : "unknown")
            case .category: by["category"] = .string(StatsQuery.categoryName(row.category))
            case .reason: by["reason"] = .string(StatsQuery.reasonName(row.reason))
            case .project: by["project"] = .int(row.projectID)
            }
        }
        return by
    }

    private static func sortKey(_ by: [String: JSON], _ dimensions: [StatsQuery.Dimension]) -> String {
        dimensions.map { dimension -> String in
            switch by[dimension.rawValue] {
            case .int(let id)?: return String(format: "%020lld", id)
            case .string(let text)?: return text
            default: return ""
            }
        }.joined(separator: "\u{0}")
    }

    /// `2024-01-01T00:00:00Z`: buckets are whole hours, so no fraction, as Sentry writes them.
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
