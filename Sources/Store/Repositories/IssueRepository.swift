import EventModel
import Foundation
import Postgres

/// The one owner of `issues` and the tables that hang off an issue (`issue_hashes`,
/// `issue_users`, `issue_activities`; the per-issue rollups are `RollupRepository`'s): every
/// statement on them from the processor, triage, merge, recount, retention and the API is here,
/// with its row types.
public struct IssueRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    // MARK: Shared SQL

    /// The resolution and ignore columns an issue sheds when it becomes unresolved again.
    public static let clearedColumns = """
        resolved_at = NULL, resolution = NULL, resolved_in_release = NULL, ignored_at = NULL, ignore_until = NULL,
        ignore_count = NULL, ignore_window_minutes = NULL, ignore_user_count = NULL, ignore_user_window_minutes = NULL,
        ignore_times_seen_baseline = NULL, ignore_user_count_baseline = NULL
        """

    /// A subquery giving the newest release (`version`) of the project `projectExpression` names.
    public static func latestReleaseSQL(project projectExpression: String) -> String {
        """
        SELECT r.version FROM releases r JOIN release_projects rp ON rp.release_id = r.id
        WHERE rp.project_id = \(projectExpression) ORDER BY r.created_at DESC, r.id DESC LIMIT 1
        """
    }

    /// The project's newest release, by when it was created.
    public func latestRelease(projectID: Int64) throws -> String? {
        try db.query(Self.latestReleaseSQL(project: "$1"), [projectID]).first.map { try $0.string("version") }
    }

    // MARK: Activities

    /// The one place `issue_activities` rows are inserted (the processor's regressions and
    /// escalations too): one row of `type` with the JSON object `data` for each issue (that
    /// exists; the row carries its project), in the order given.
    public func recordActivity(issueIDs: [Int64], type: String, data: String) throws {
        guard !issueIDs.isEmpty else { return }
        try db.query("""
            INSERT INTO issue_activities (project_id, issue_id, type, data)
            SELECT i.project_id, i.id, $2, $3::jsonb FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, n)
            JOIN issues i ON i.id = u.id ORDER BY u.n
            """, [PGArray(issueIDs), type, data])
    }

    public struct Activity: Sendable {
        public let id: Int64
        public let type: String
        /// The activity's JSON object, as stored.
        public let data: String
        public let createdAt: Date
    }

    /// The environments the projects' issues were seen in, by name (the dashboard's picker).
    public func environments(projectIDs: [Int64], limit: Int) throws -> [String] {
        try db.query("""
            SELECT DISTINCT environment FROM issue_environments WHERE project_id = ANY($1::bigint[])
            ORDER BY environment LIMIT $2
            """, [PGArray(projectIDs), limit]).rows.map { try $0.string("environment") }
    }

    /// An issue's newest activities, newest first.
    public func activities(issueID: Int64, limit: Int) throws -> [Activity] {
        try db.query("""
            SELECT id, type, data::text AS data, created_at FROM issue_activities WHERE issue_id = $1 ORDER BY id DESC LIMIT $2
            """, [issueID, limit]).rows.map { row in
            Activity(id: try row.int("id"), type: try row.string("type"), data: try row.string("data"),
                     createdAt: try row.date("created_at"))
        }
    }

    // MARK: Triage

    /// Resolves the issues of `projectIDs` among `ids`. `resolution` `in_next_release` takes the
    /// project's latest release (none: a plain resolve). Returns the ids changed.
    public func resolve(ids: [Int64], projectIDs: [Int64], resolution: String?, release: String?) throws -> [Int64] {
        try db.query("""
            UPDATE issues i SET status = 'resolved', substatus = '', resolved_at = now(),
                resolution = CASE WHEN $3::text = 'in_next_release' AND latest.version IS NULL THEN NULL ELSE $3::text END,
                resolved_in_release = CASE WHEN $3::text = 'in_next_release' THEN latest.version ELSE $4::text END
            FROM issues base LEFT JOIN LATERAL (\(Self.latestReleaseSQL(project: "base.project_id"))) latest ON true
            WHERE base.id = i.id AND i.id = ANY($1::bigint[]) AND i.project_id = ANY($2::bigint[])
            RETURNING i.id
            """, [PGArray(ids), PGArray(projectIDs), resolution, release]).rows.map { try $0.int("id") }
    }

    public func unresolve(ids: [Int64], projectIDs: [Int64]) throws -> [Int64] {
        try db.query("""
            UPDATE issues SET status = 'unresolved', substatus = 'ongoing', \(Self.clearedColumns)
            WHERE id = ANY($1::bigint[]) AND project_id = ANY($2::bigint[])
            RETURNING id
            """, [PGArray(ids), PGArray(projectIDs)]).rows.map { try $0.int("id") }
    }

    /// Ignores the issues; counts are measured from their current `times_seen` and `user_count`.
    public func ignore(ids: [Int64], projectIDs: [Int64], until: Date?, count: Int64?, windowMinutes: Int64?,
                       userCount: Int64?, userWindowMinutes: Int64?, forever: Bool) throws -> [Int64] {
        try db.query("""
            UPDATE issues SET status = 'ignored', resolved_at = NULL, resolution = NULL, resolved_in_release = NULL,
                substatus = CASE WHEN $8 THEN 'archived_forever' ELSE 'archived_until_condition_met' END,
                ignored_at = now(), ignore_until = $3, ignore_count = $4, ignore_window_minutes = $5,
                ignore_user_count = $6, ignore_user_window_minutes = $7,
                ignore_times_seen_baseline = times_seen, ignore_user_count_baseline = user_count
            WHERE id = ANY($1::bigint[]) AND project_id = ANY($2::bigint[])
            RETURNING id
            """, [PGArray(ids), PGArray(projectIDs), until, count, windowMinutes, userCount, userWindowMinutes, forever])
            .rows.map { try $0.int("id") }
    }

    /// Assigns the issues (nil: unassigns them), recording the activity.
    public func assign(ids: [Int64], to assignee: String?) throws {
        try db.query("UPDATE issues SET assigned_to = $2 WHERE id = ANY($1::bigint[])", [PGArray(ids), assignee])
        let data = JSON.object(["assignee": assignee.map(JSON.string) ?? .null]).encodedString()
        try recordActivity(issueIDs: ids, type: assignee == nil ? "unassigned" : "assigned", data: data)
    }

    // MARK: Merge, delete, recount

    /// Points the children's hashes and events at `parent` (all of one project).
    public func moveHashesAndEvents(from children: [Int64], to parent: Int64, projectID: Int64) throws {
        let ids = PGArray(children.sorted())
        try db.query("UPDATE issue_hashes SET issue_id = $1 WHERE project_id = $3 AND issue_id = ANY($2::bigint[])",
                     [parent, ids, projectID])
        try db.query("UPDATE events SET issue_id = $1 WHERE project_id = $3 AND issue_id = ANY($2::bigint[])",
                     [parent, ids, projectID])
    }

    /// Deletes the issues of `projectIDs` among `ids` with their events and dependents; returns the ids deleted.
    public func delete(ids: [Int64], projectIDs: [Int64]) throws -> [Int64] {
        let deleted = try db.query("""
            DELETE FROM issues WHERE id = ANY($1::bigint[]) AND project_id = ANY($2::bigint[]) RETURNING id
            """, [PGArray(ids.sorted()), PGArray(projectIDs)]).rows.map { try $0.int("id") }
        guard !deleted.isEmpty else { return [] }
        try db.query("""
            WITH gone AS (DELETE FROM events WHERE issue_id = ANY($1::bigint[]) RETURNING project_id, event_id)
            DELETE FROM event_ids k USING gone WHERE k.project_id = gone.project_id AND k.event_id = gone.event_id
            """, [PGArray(deleted)])
        try deleteDependents(of: deleted)
        return deleted
    }

    /// Deletes issues last seen before `cutoff` with their dependents (their events are retention's); returns how many.
    public func deleteNotSeenSince(_ cutoff: Date) throws -> Int64 {
        let stale = try db.query("DELETE FROM issues WHERE last_seen < $1 RETURNING id", [cutoff]).rows.map { try $0.int("id") }
        try deleteDependents(of: stale)
        return Int64(stale.count)
    }

    /// The rows that hang off an issue by `issue_id` (its events aside): deleted with the issue.
    static let dependentTables = ["issue_hashes", "issue_users", "issue_hourly", "issue_releases", "issue_environments",
                                  "issue_tag_values", "issue_activities"]

    func deleteDependents(of issueIDs: [Int64]) throws {
        guard !issueIDs.isEmpty else { return }
        for table in Self.dependentTables {
            // Table names are the constants above, never input.
            try db.query("DELETE FROM \(table) WHERE issue_id = ANY($1::bigint[])", [PGArray(issueIDs)])
        }
    }

    /// Recomputes issues' counters, users and rollups from their stored events (after events
    /// moved between issues), inside the caller's transaction; deletes issues left without
    /// events. Returns how many were deleted.
    public func recount(_ issueIDs: [Int64]) throws -> Int64 {
        let ids = PGArray(issueIDs.sorted())
        try lockForUpdate(ids: issueIDs.sorted())
        let deleted = try db.query("""
            DELETE FROM issues i WHERE i.id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM events e WHERE e.issue_id = i.id)
            RETURNING id
            """, [ids]).rows.map { try $0.int("id") }
        try deleteDependents(of: deleted)
        try db.query("""
            UPDATE issues i SET times_seen = s.n, first_seen = s.first, last_seen = s.last, user_count = s.users
            FROM (SELECT issue_id, count(*) AS n, min(timestamp) AS first, max(timestamp) AS last,
                         count(DISTINCT user_key) AS users
                  FROM events WHERE issue_id = ANY($1::bigint[]) GROUP BY issue_id) AS s
            WHERE i.id = s.issue_id
            """, [ids])
        try db.query("DELETE FROM issue_users WHERE issue_id = ANY($1::bigint[])", [ids])
        try db.query("""
            INSERT INTO issue_users (project_id, issue_id, user_key)
            SELECT DISTINCT project_id, issue_id, user_key FROM events WHERE issue_id = ANY($1::bigint[]) AND user_key IS NOT NULL
            """, [ids])
        try RollupRepository(db).rebuild(issueIDs: issueIDs)
        return Int64(deleted.count)
    }

    // MARK: Reads for the API

    public enum Sort: String, Sendable {
        case date, new, freq, user

        public init(_ text: String?) { self = text.flatMap(Sort.init(rawValue:)) ?? .date }

        var orderBy: String {
            switch self {
            case .date: return "i.last_seen DESC, i.id DESC"
            case .new: return "i.first_seen DESC, i.id DESC"
            case .freq: return "i.times_seen DESC, i.id DESC"
            case .user: return "i.user_count DESC, i.id DESC"
            }
        }
    }

    public struct ListRequest: Sendable {
        public var projectIDs: [Int64]
        /// A condition over alias `i` whose placeholders are `builder`'s.
        public var filter: String?
        public var builder = SQLBuilder()
        public var since: Date?
        public var until: Date?
        public var environments: [String] = []
        public var sort: Sort = .date
        public var limit = 100
        public var offset = 0

        public init(projectIDs: [Int64]) { self.projectIDs = projectIDs }
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
    public func list(_ request: ListRequest) throws -> ([IssueRecord], Bool) {
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
    public func issues(ids: [Int64], projectIDs: [Int64]) throws -> [IssueRecord] {
        guard !ids.isEmpty else { return [] }
        return try db.query("""
            SELECT \(Self.columns) FROM issues i
            WHERE i.id = ANY($1::bigint[]) AND i.project_id = ANY($2::bigint[]) ORDER BY i.id
            """, [PGArray(ids), PGArray(projectIDs)]).rows.map(IssueRecord.init)
    }

    /// The project's issue with the short id number.
    public func issue(projectID: Int64, shortID: Int64) throws -> IssueRecord? {
        try db.query("SELECT \(Self.columns) FROM issues i WHERE i.project_id = $1 AND i.short_id = $2",
                     [projectID, shortID]).rows.first.map(IssueRecord.init)
    }


    /// The issue's grouping hashes, sorted.
    public func hashes(issueID: Int64, projectID: Int64) throws -> [String] {
        try db.query("SELECT hash FROM issue_hashes WHERE project_id = $1 AND issue_id = $2 ORDER BY hash",
                     [projectID, issueID]).rows.map { try $0.string("hash") }
    }

    /// The issue's last (or first) seen time as PostgreSQL's exact text, so a lookup by it
    /// matches the stored timestamp (a Double would not round-trip).
    public func seenText(issueID: Int64, last: Bool) throws -> String? {
        try db.query("SELECT \(last ? "last_seen" : "first_seen")::text AS at FROM issues WHERE id = $1", [issueID]).first?.string("at")
    }

    /// Each issue's project slug and short-id number, for `WEB-1A` labels.
    public func shortIDs(issueIDs: [Int64]) throws -> [Int64: (projectSlug: String, number: Int64)] {
        try db.query("""
            SELECT i.id, i.short_id, p.slug FROM issues i JOIN projects p ON p.id = i.project_id WHERE i.id = ANY($1::bigint[])
            """, [PGArray(issueIDs)]).rows.reduce(into: [:]) { result, row in
            result[try row.int("id")] = (try row.string("slug"), try row.int("short_id"))
        }
    }
}

extension IssueRepository {
    public struct ProjectIssueCount: Sendable {
        public let projectSlug: String
        public let projectName: String
        public let unresolved: Int64
    }

    /// Every project of the organization with its number of unresolved issues, by slug.
    public func unresolvedCounts(organizationID: Int64) throws -> [ProjectIssueCount] {
        try db.query("""
            SELECT p.slug, p.name, (SELECT count(*) FROM issues i WHERE i.project_id = p.id AND i.status = 'unresolved') AS open
            FROM projects p WHERE p.organization_id = $1 ORDER BY p.slug
            """, [organizationID]).rows.map {
            ProjectIssueCount(projectSlug: try $0.string("slug"), projectName: try $0.string("name"), unresolved: try $0.int("open"))
        }
    }
}

extension IssueRepository {
    /// Whether an issue of the organization was first seen in the release.
    public func anyFirstSeen(organizationID: Int64, release: String) throws -> Bool {
        !(try db.query("""
            SELECT 1 FROM issues i JOIN projects p ON p.id = i.project_id
            WHERE p.organization_id = $1 AND i.first_release = $2 LIMIT 1
            """, [organizationID, release]).isEmpty)
    }
}
