import EventModel
import Foundation
import Postgres

/// Reads issues for the API. Callers pass the project ids the caller may see; nothing here
/// reaches outside them. Reads only `issues` and the rollups, by index.
struct IssueStore {
    let db: PGConnection

    enum Sort: String {
        case date, new, freq, user

        init(_ text: String?) { self = text.flatMap(Sort.init(rawValue:)) ?? .date }

        var orderBy: String {
            switch self {
            case .date: return "i.last_seen DESC, i.id DESC"
            case .new: return "i.first_seen DESC, i.id DESC"
            case .freq: return "i.times_seen DESC, i.id DESC"
            case .user: return "i.user_count DESC, i.id DESC"
            }
        }
    }

    struct ListRequest {
        var projectIDs: [Int64]
        /// A condition over alias `i` whose placeholders are `builder`'s.
        var filter: String?
        var builder = SQLBuilder()
        var since: Date?
        var until: Date?
        var environments: [String] = []
        var sort: Sort = .date
        var limit = 100
        var offset = 0
    }

    static let columns = """
        i.id, i.project_id, i.short_id, i.title, i.culprit, i.level, i.status, i.substatus, i.platform, i.type,
        i.metadata::text AS metadata, i.times_seen, i.user_count, i.first_seen, i.last_seen, i.first_release,
        i.last_release, i.assigned_to, i.resolution, i.resolved_in_release, i.ignore_until, i.ignore_count,
        i.ignore_window_minutes, i.ignore_user_count, i.ignore_user_window_minutes
        """

    /// One page, and whether there are more. Each project's issues are read in index order up to
    /// the page's end and the projects' runs merged, so no request sorts all of a project's
    /// issues (`project_id = ANY(…)` would: an index gives order for one project at a time).
    func list(_ request: ListRequest) throws -> ([IssueRecord], Bool) {
        var builder = request.builder
        var conditions = ["i.project_id = p.id"]
        if let filter = request.filter { conditions.append("(\(filter))") }
        if let since = request.since { conditions.append("i.last_seen >= \(builder.bind(since))") }
        if let until = request.until { conditions.append("i.first_seen <= \(builder.bind(until))") }
        if !request.environments.isEmpty {
            conditions.append("""
                EXISTS (SELECT 1 FROM issue_environments ie WHERE ie.issue_id = i.id
                        AND ie.environment = ANY(\(builder.bind(PGArray(request.environments)))::text[]))
                """)
        }
        let projects = builder.bind(PGArray(request.projectIDs))
        let perProject = builder.bind(request.offset + request.limit + 1)
        let limit = builder.bind(request.limit + 1)
        let offset = builder.bind(request.offset)
        let rows = try db.query("""
            SELECT i.* FROM unnest(\(projects)::bigint[]) AS p(id) CROSS JOIN LATERAL (
                SELECT \(Self.columns) FROM issues i
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY \(request.sort.orderBy) LIMIT \(perProject)
            ) AS i
            ORDER BY \(request.sort.orderBy)
            LIMIT \(limit) OFFSET \(offset)
            """, builder.parameters)
        let records = try rows.rows.map(IssueRecord.init)
        return (Array(records.prefix(request.limit)), records.count > request.limit)
    }

    /// The issues among `ids` that belong to `projectIDs`.
    func issues(ids: [Int64], projectIDs: [Int64]) throws -> [IssueRecord] {
        guard !ids.isEmpty else { return [] }
        return try db.query("""
            SELECT \(Self.columns) FROM issues i
            WHERE i.id = ANY($1::bigint[]) AND i.project_id = ANY($2::bigint[]) ORDER BY i.id
            """, [PGArray(ids), PGArray(projectIDs)]).rows.map(IssueRecord.init)
    }

    /// An issue by numeric id or short id (`WEB-1A`) within the projects.
    func issue(_ reference: String, projects: [(id: Int64, slug: String)]) throws -> IssueRecord? {
        if let id = Int64(reference) { return try issues(ids: [id], projectIDs: projects.map(\.id)).first }
        guard let (slug, number) = ShortID.parse(reference),
              let project = projects.first(where: { $0.slug.uppercased() == slug }) else { return nil }
        return try db.query("SELECT \(Self.columns) FROM issues i WHERE i.project_id = $1 AND i.short_id = $2",
                            [project.id, number]).rows.first.map(IssueRecord.init)
    }

    /// Event counts per bucket for each issue: hourly buckets over the last 24 hours, or daily
    /// over the last 14 days, as Sentry's `stats` (`[[unix seconds, count], …]`, oldest first).
    func stats(issueIDs: [Int64], period: StatsPeriod, now: Date = Date()) throws -> [Int64: [[Int64]]] {
        guard !issueIDs.isEmpty else { return [:] }
        let buckets = period.buckets(now: now)
        let rows = try db.query("""
            SELECT issue_id, extract(epoch FROM hour)::bigint AS hour, count FROM issue_hourly
            WHERE issue_id = ANY($1::bigint[]) AND hour >= to_timestamp($2)
            """, [PGArray(issueIDs), buckets[0]])
        var counts: [Int64: [Int64: Int64]] = [:]
        for row in rows.rows {
            let bucket = period.bucket(of: try row.int("hour"))
            let issueID = try row.int("issue_id")
            // Hourly counts fold into daily buckets: stored rows may sum past Int64.
            counts[issueID, default: [:]][bucket] = Saturating.add(counts[issueID]?[bucket] ?? 0, try row.int("count"))
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

/// A row of `issues`, as the API needs it.
struct IssueRecord: Sendable {
    let id: Int64
    let projectID: Int64
    let shortID: Int64
    let title: String
    let culprit: String
    let level: String
    let status: String
    let substatus: String
    let platform: String?
    let type: String
    let metadata: [String: JSON]
    let timesSeen: Int64
    let userCount: Int64
    let firstSeen: Date
    let lastSeen: Date
    let firstRelease: String?
    let lastRelease: String?
    let assignedTo: String?
    let resolution: String?
    let resolvedInRelease: String?
    let ignoreUntil: Date?
    let ignoreCount: Int64?
    let ignoreWindow: Int64?
    let ignoreUserCount: Int64?
    let ignoreUserWindow: Int64?

    init(_ row: PGRow) throws {
        id = try row.int("id")
        projectID = try row.int("project_id")
        shortID = try row.int("short_id")
        title = try row.string("title")
        culprit = try row.string("culprit")
        level = try row.string("level")
        status = try row.string("status")
        substatus = try row.string("substatus")
        platform = try row.optionalString("platform")
        type = try row.string("type")
        metadata = (try? JSON.parse(try row.string("metadata")))?.object ?? [:]
        timesSeen = try row.int("times_seen")
        userCount = try row.int("user_count")
        firstSeen = try row.date("first_seen")
        lastSeen = try row.date("last_seen")
        firstRelease = try row.optionalString("first_release")
        lastRelease = try row.optionalString("last_release")
        assignedTo = try row.optionalString("assigned_to")
        resolution = try row.optionalString("resolution")
        resolvedInRelease = try row.optionalString("resolved_in_release")
        ignoreUntil = try row.optionalDate("ignore_until")
        ignoreCount = try row.optionalInt("ignore_count")
        ignoreWindow = try row.optionalInt("ignore_window_minutes")
        ignoreUserCount = try row.optionalInt("ignore_user_count")
        ignoreUserWindow = try row.optionalInt("ignore_user_window_minutes")
    }
}
