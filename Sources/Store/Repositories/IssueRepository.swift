import EventModel
import Foundation
import Postgres

/// The one owner of `issues` and the tables that hang off an issue (`issue_hashes`,
/// `issue_tag_values`, `issue_activities`, …) outside the processor: every statement on them
/// from triage, merge, recount, retention and the API is here, with its row types.
/// The processor's own writes (`EventWriter`) are not moved yet.
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
    /// escalations too): one row of
    /// `type` with the JSON object `data` for each issue.
    public func recordActivity(issueIDs: [Int64], type: String, data: String) throws {
        guard !issueIDs.isEmpty else { return }
        try db.query("""
            INSERT INTO issue_activities (issue_id, type, data)
            SELECT id, $2, $3::jsonb FROM unnest($1::bigint[]) AS id
            """, [PGArray(issueIDs), type, data])
    }

    public struct Activity: Sendable {
        public let id: Int64
        public let type: String
        /// The activity's JSON object, as stored.
        public let data: String
        public let createdAt: Date
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

    /// Deletes the hourly rollup rows before `cutoff`.
    public func deleteHourly(before cutoff: Date) throws {
        try db.query("DELETE FROM issue_hourly WHERE hour < $1", [cutoff])
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
        try db.query("SELECT id FROM issues WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE", [ids])
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
            INSERT INTO issue_users (issue_id, user_key)
            SELECT DISTINCT issue_id, user_key FROM events WHERE issue_id = ANY($1::bigint[]) AND user_key IS NOT NULL
            """, [ids])
        try db.query("DELETE FROM issue_hourly WHERE issue_id = ANY($1::bigint[])", [ids])
        try db.query("""
            INSERT INTO issue_hourly (issue_id, hour, count)
            SELECT issue_id, date_trunc('hour', timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*)
            FROM events WHERE issue_id = ANY($1::bigint[]) GROUP BY 1, 2
            """, [ids])
        for (table, column) in [("issue_releases", "release"), ("issue_environments", "environment")] {
            // Table and column names are the constants above, never input.
            try db.query("DELETE FROM \(table) WHERE issue_id = ANY($1::bigint[])", [ids])
            try db.query("""
                INSERT INTO \(table) (issue_id, \(column), first_seen, last_seen, count)
                SELECT issue_id, \(column), min(timestamp), max(timestamp), count(*)
                FROM events WHERE issue_id = ANY($1::bigint[]) AND \(column) IS NOT NULL AND \(column) <> ''
                GROUP BY 1, 2
                """, [ids])
        }
        try db.query("DELETE FROM issue_tag_values WHERE issue_id = ANY($1::bigint[])", [ids])
        try db.query("""
            INSERT INTO issue_tag_values (issue_id, key, value, first_seen, last_seen, count)
            SELECT e.issue_id, t.key, t.value, min(e.timestamp), max(e.timestamp), count(*)
            FROM events e, jsonb_each_text(CASE WHEN jsonb_typeof(e.payload->'tags') = 'object' THEN e.payload->'tags' ELSE '{}' END) AS t
            WHERE e.issue_id = ANY($1::bigint[])
            GROUP BY 1, 2, 3
            """, [ids])
        return Int64(deleted.count)
    }

    // MARK: Reads for the API

    /// The issue's grouping hashes, sorted.
    public func hashes(issueID: Int64, projectID: Int64) throws -> [String] {
        try db.query("SELECT hash FROM issue_hashes WHERE project_id = $1 AND issue_id = $2 ORDER BY hash",
                     [projectID, issueID]).rows.map { try $0.string("hash") }
    }

    /// The tag keys seen on the issue's events, sorted.
    public func tagKeys(issueID: Int64) throws -> [String] {
        try db.query("SELECT DISTINCT key FROM issue_tag_values WHERE issue_id = $1 ORDER BY key", [issueID])
            .rows.map { try $0.string("key") }
    }

    public struct TagTotals: Sendable {
        /// The events carrying the key, saturated at Int64's maximum (the sum may exceed it).
        public let total: Int64
        public let uniqueValues: Int64
    }

    public func tagTotals(issueID: Int64, key: String) throws -> TagTotals? {
        try db.query("""
            SELECT greatest(least(coalesce(sum(count), 0), 9223372036854775807), -9223372036854775808)::bigint AS total, count(*) AS unique_values
            FROM issue_tag_values WHERE issue_id = $1 AND key = $2
            """, [issueID, key]).first.map { TagTotals(total: try $0.int("total"), uniqueValues: try $0.int("unique_values")) }
    }

    public struct TagValue: Sendable {
        public let key: String
        public let value: String
        public let count: Int64
        public let firstSeen: Date
        public let lastSeen: Date
    }

    /// The key's most frequent values.
    public func tagValues(issueID: Int64, key: String, limit: Int) throws -> [TagValue] {
        try db.query("""
            SELECT key, value, count, first_seen, last_seen FROM issue_tag_values WHERE issue_id = $1 AND key = $2
            ORDER BY count DESC, value LIMIT $3
            """, [issueID, key, limit]).rows.map(TagValue.init)
    }

    /// The `perKey` most frequent values of every key, by key.
    public func topTagValues(issueID: Int64, perKey: Int) throws -> [TagValue] {
        try db.query("""
            SELECT key, value, count, first_seen, last_seen FROM (
                SELECT key, value, count, first_seen, last_seen,
                       row_number() OVER (PARTITION BY key ORDER BY count DESC, value) AS rank
                FROM issue_tag_values WHERE issue_id = $1) ranked
            WHERE rank <= $2 ORDER BY key, count DESC
            """, [issueID, perKey]).rows.map(TagValue.init)
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

extension IssueRepository.TagValue {
    init(_ row: PGRow) throws {
        key = try row.string("key")
        value = try row.string("value")
        count = try row.int("count")
        firstSeen = try row.date("first_seen")
        lastSeen = try row.date("last_seen")
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
