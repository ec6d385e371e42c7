import EventModel
import Foundation
import Postgres
import Store

/// Reads issues for the API through `IssueRepository` and `RollupRepository`. Callers pass the
/// project ids the caller may see; nothing here reaches outside them. Reads only `issues` and
/// the rollups, by index.
struct IssueStore {
    let db: PGConnection

    typealias Sort = IssueRepository.Sort
    typealias ListRequest = IssueRepository.ListRequest

    /// One page, and whether there are more.
    func list(_ request: ListRequest) throws -> ([IssueRecord], Bool) {
        try IssueRepository(db).list(request)
    }

    /// The issues among `ids` that belong to `projectIDs`.
    func issues(ids: [Int64], projectIDs: [Int64]) throws -> [IssueRecord] {
        try IssueRepository(db).issues(ids: ids, projectIDs: projectIDs)
    }

    /// An issue by numeric id or short id (`WEB-1A`) within the projects.
    func issue(_ reference: String, projects: [(id: Int64, slug: String)]) throws -> IssueRecord? {
        if let id = Int64(reference) { return try issues(ids: [id], projectIDs: projects.map(\.id)).first }
        guard let (slug, number) = ShortID.parse(reference),
              let project = projects.first(where: { $0.slug.uppercased() == slug }) else { return nil }
        return try IssueRepository(db).issue(projectID: project.id, shortID: number)
    }

    /// Event counts per bucket for each issue: hourly buckets over the last 24 hours, or daily
    /// over the last 14 days, as Sentry's `stats` (`[[unix seconds, count], …]`, oldest first).
    func stats(issueIDs: [Int64], period: StatsPeriod, now: Date = Date()) throws -> [Int64: [[Int64]]] {
        guard !issueIDs.isEmpty else { return [:] }
        let buckets = period.buckets(now: now)
        var counts: [Int64: [Int64: Int64]] = [:]
        for row in try RollupRepository(db).issueHours(issueIDs: issueIDs, since: buckets[0]) {
            let bucket = period.bucket(of: row.hour)
            // Hourly counts fold into daily buckets: stored rows may sum past Int64.
            counts[row.issueID, default: [:]][bucket] = Saturating.add(counts[row.issueID]?[bucket] ?? 0, row.count)
        }
        return Dictionary(uniqueKeysWithValues: issueIDs.map { id in
            (id, buckets.map { [$0, counts[id]?[$0] ?? 0] })
        })
    }
}

/// `stats` periods Sentry's issue list offers (`groupStatsPeriod`).
enum StatsPeriod: String {
    case day = "24h"
    case fortnight = "14d"

    var bucketSeconds: Int64 { self == .day ? 3600 : 86_400 }

    func bucket(of seconds: Int64) -> Int64 { seconds / bucketSeconds * bucketSeconds }

    func buckets(now: Date) -> [Int64] {
        let last = bucket(of: Int64(now.timeIntervalSince1970))
        let count: Int64 = self == .day ? 24 : 14
        return (0..<count).map { last - (count - 1 - $0) * bucketSeconds }
    }
}
