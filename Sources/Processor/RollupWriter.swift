import Foundation
import Postgres
import Store

/// Adds newly inserted events to the rollups (per issue and hour, per project and hour, per
/// issue and release, environment, tag value), inside the batch's transaction. Each rollup is
/// pre-aggregated per batch and upserted in key order, so concurrent processors lock rows in
/// the same order and cannot deadlock.
struct RollupWriter {
    let db: PGConnection

    struct Span {
        var count: Int64 = 0
        var first: Date = .distantFuture
        var last: Date = .distantPast

        mutating func add(_ date: Date) {
            count += 1
            first = min(first, date)
            last = max(last, date)
        }
    }

    func write(_ inserted: [(ProcessedEvent, Int64)]) throws {
        guard !inserted.isEmpty else { return }
        var issueHours: [[String]: Span] = [:], projectHours: [[String]: Span] = [:]
        var releases: [[String]: Span] = [:], environments: [[String]: Span] = [:], tags: [[String]: Span] = [:]
        var projectOf: [Int64: Int64] = [:]
        for (event, issue) in inserted {
            projectOf[issue] = event.projectID
            let hour = String(Int64(event.timestamp.timeIntervalSince1970) / 3600 * 3600)
            issueHours[[String(issue), hour], default: Span()].add(event.timestamp)
            projectHours[[String(event.projectID), hour], default: Span()].add(event.timestamp)
            if let release = event.release, !release.isEmpty { releases[[String(issue), release], default: Span()].add(event.timestamp) }
            if let environment = event.environment, !environment.isEmpty {
                environments[[String(issue), environment], default: Span()].add(event.timestamp)
            }
            for (key, value) in event.tags { tags[[String(issue), key, value], default: Span()].add(event.timestamp) }
        }
        let rollups = RollupRepository(db)
        // Every key starts with an id this function wrote from an Int64: an issue's (its project
        // from `projectOf`) or, for `projectHours`, the project's.
        func hourly(_ row: ([String], Span), project: (Int64) -> Int64) -> RollupRepository.HourlyCount {
            let id = Int64(row.0[0])!
            return RollupRepository.HourlyCount(projectID: project(id), id: id, hour: Int64(row.0[1])!, count: row.1.count)
        }
        func span(_ row: ([String], Span)) -> RollupRepository.SpanCount {
            let issue = Int64(row.0[0])!
            return RollupRepository.SpanCount(projectID: projectOf[issue]!, issueID: issue, keys: Array(row.0.dropFirst()),
                                              first: row.1.first, last: row.1.last, count: row.1.count)
        }
        try rollups.add(.issue, Self.sorted(issueHours).map { hourly($0) { projectOf[$0]! } })
        try rollups.add(.project, Self.sorted(projectHours).map { hourly($0) { $0 } })
        try rollups.add(.releases, Self.sorted(releases).map(span))
        try rollups.add(.environments, Self.sorted(environments).map(span))
        try rollups.add(.tagValues, Self.sorted(tags).map(span))
        try recordReleases(inserted)
    }

    /// Releases are created by the first event naming them; `release_projects` counts per project.
    private func recordReleases(_ inserted: [(ProcessedEvent, Int64)]) throws {
        var spans: [[String]: Span] = [:]
        for (event, _) in inserted {
            guard let release = event.release, !release.isEmpty else { continue }
            spans[[String(event.projectID), release], default: Span()].add(event.timestamp)
        }
        guard !spans.isEmpty else { return }
        try ReleaseRepository(db).record(Self.sorted(spans).map { key, span in
            ReleaseRepository.EventSpan(projectID: Int64(key[0])!, version: key[1], first: span.first, last: span.last, count: span.count)
        })
    }

    static func sorted(_ rows: [[String]: Span]) -> [([String], Span)] {
        rows.sorted { a, b in
            let left = a.key, right = b.key
            if left[0] != right[0] { return Int64(left[0])! < Int64(right[0])! }
            return left.lexicographicallyPrecedes(right)
        }
    }
}
