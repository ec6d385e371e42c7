import Foundation
import Postgres

/// The one owner of the rollups: `issue_hourly`, `project_hourly`, `issue_releases`,
/// `issue_environments` and `issue_tag_values` — the processor's upserts, their rebuild from
/// stored events (recount), their reads for the API and their deletion by retention. (Deleting
/// an issue deletes its rows with its other dependents: `IssueRepository.deleteDependents`.)
public struct RollupRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    // MARK: Writes from the processor

    /// A per-hour rollup: `issue_hourly` (by issue) or `project_hourly` (by project).
    public enum Hourly: Sendable {
        case issue, project
    }

    /// One row to add to an hourly rollup: `count` events of `id` (an issue of `projectID`, or
    /// the project itself) in the hour starting at `hour` (Unix seconds).
    public struct HourlyCount: Sendable, Equatable {
        public var projectID: Int64
        public var id: Int64
        public var hour: Int64
        public var count: Int64

        public init(projectID: Int64, id: Int64, hour: Int64, count: Int64) {
            self.projectID = projectID
            self.id = id
            self.hour = hour
            self.count = count
        }
    }

    /// Adds the counts (already in key order, so concurrent writers lock alike), saturating at bigint's maximum.
    public func add(_ rollup: Hourly, _ rows: [HourlyCount]) throws {
        switch rollup {
        case .issue:
            try db.query("""
                INSERT INTO issue_hourly (project_id, issue_id, hour, count)
                SELECT project_id, id, to_timestamp(hour), n
                FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS u(project_id, id, hour, n)
                ON CONFLICT (issue_id, hour) DO UPDATE SET count = LEAST(issue_hourly.count::numeric + EXCLUDED.count, 9223372036854775807)::bigint
                """, [PGArray(rows.map(\.projectID)), PGArray(rows.map(\.id)), PGArray(rows.map(\.hour)), PGArray(rows.map(\.count))])
        case .project:
            try db.query("""
                INSERT INTO project_hourly (project_id, hour, count)
                SELECT id, to_timestamp(hour), n FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS u(id, hour, n)
                ON CONFLICT (project_id, hour) DO UPDATE SET count = LEAST(project_hourly.count::numeric + EXCLUDED.count, 9223372036854775807)::bigint
                """, [PGArray(rows.map(\.id)), PGArray(rows.map(\.hour)), PGArray(rows.map(\.count))])
        }
    }

    /// A per-issue rollup of values seen with their first and last time.
    public enum Spans: Sendable {
        case releases, environments, tagValues

        // Table and column names are these constants, never input.
        var table: String {
            switch self {
            case .releases: "issue_releases"
            case .environments: "issue_environments"
            case .tagValues: "issue_tag_values"
            }
        }

        var keyColumns: [String] {
            switch self {
            case .releases: ["release"]
            case .environments: ["environment"]
            case .tagValues: ["key", "value"]
            }
        }
    }

    /// One row to add to a span rollup: `keys` are the rollup's key columns' values (release;
    /// environment; tag key and value).
    public struct SpanCount: Sendable, Equatable {
        public var projectID: Int64
        public var issueID: Int64
        public var keys: [String]
        public var first: Date
        public var last: Date
        public var count: Int64

        public init(projectID: Int64, issueID: Int64, keys: [String], first: Date, last: Date, count: Int64) {
            self.projectID = projectID
            self.issueID = issueID
            self.keys = keys
            self.first = first
            self.last = last
            self.count = count
        }
    }

    /// Adds the rows (already in key order), widening first and last seen.
    public func add(_ rollup: Spans, _ rows: [SpanCount]) throws {
        guard !rows.isEmpty else { return }
        let table = rollup.table, keyColumns = rollup.keyColumns
        var parameters: [any PGBindable] = [PGArray(rows.map(\.projectID)), PGArray(rows.map(\.issueID))]
        for index in keyColumns.indices { parameters.append(PGArray(rows.map { $0.keys[index] })) }
        parameters += [PGArray(rows.map(\.first)), PGArray(rows.map(\.last)), PGArray(rows.map(\.count))]
        let keyList = keyColumns.joined(separator: ", ")
        let arrays = keyColumns.indices.map { "$\($0 + 3)::text[]" }.joined(separator: ", ")
        let base = keyColumns.count + 3
        try db.query("""
            INSERT INTO \(table) (project_id, issue_id, \(keyList), first_seen, last_seen, count)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], \(arrays), $\(base)::timestamptz[], $\(base + 1)::timestamptz[], $\(base + 2)::bigint[])
            ON CONFLICT (issue_id, \(keyList)) DO UPDATE SET
                first_seen = LEAST(\(table).first_seen, EXCLUDED.first_seen),
                last_seen = GREATEST(\(table).last_seen, EXCLUDED.last_seen),
                count = LEAST(\(table).count::numeric + EXCLUDED.count, 9223372036854775807)::bigint
            """, parameters)
    }

    // MARK: Rebuild (recount)

    /// Recomputes the issues' per-issue rollups from their stored events, inside the caller's transaction.
    public func rebuild(issueIDs: [Int64]) throws {
        let ids = PGArray(issueIDs.sorted())
        try db.query("DELETE FROM issue_hourly WHERE issue_id = ANY($1::bigint[])", [ids])
        try db.query("""
            INSERT INTO issue_hourly (project_id, issue_id, hour, count)
            SELECT project_id, issue_id, date_trunc('hour', timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*)
            FROM events WHERE issue_id = ANY($1::bigint[]) GROUP BY 1, 2, 3
            """, [ids])
        for (table, column) in [("issue_releases", "release"), ("issue_environments", "environment")] {
            // Table and column names are the constants above, never input.
            try db.query("DELETE FROM \(table) WHERE issue_id = ANY($1::bigint[])", [ids])
            try db.query("""
                INSERT INTO \(table) (project_id, issue_id, \(column), first_seen, last_seen, count)
                SELECT project_id, issue_id, \(column), min(timestamp), max(timestamp), count(*)
                FROM events WHERE issue_id = ANY($1::bigint[]) AND \(column) IS NOT NULL AND \(column) <> ''
                GROUP BY 1, 2, 3
                """, [ids])
        }
        try db.query("DELETE FROM issue_tag_values WHERE issue_id = ANY($1::bigint[])", [ids])
        try db.query("""
            INSERT INTO issue_tag_values (project_id, issue_id, key, value, first_seen, last_seen, count)
            SELECT e.project_id, e.issue_id, t.key, t.value, min(e.timestamp), max(e.timestamp), count(*)
            FROM events e, jsonb_each_text(CASE WHEN jsonb_typeof(e.payload->'tags') = 'object' THEN e.payload->'tags' ELSE '{}' END) AS t
            WHERE e.issue_id = ANY($1::bigint[])
            GROUP BY 1, 2, 3, 4
            """, [ids])
    }

    // MARK: Erasure

    /// Takes deleted events out of `project_hourly` (`hours` in Unix seconds, one count each);
    /// an hour left without events loses its row, as a recount would not have it.
    public func subtractProjectHours(projectID: Int64, hours: [Int64], counts: [Int64]) throws {
        guard !hours.isEmpty else { return }
        try db.query("""
            UPDATE project_hourly h SET count = GREATEST(h.count - u.n, 0)
            FROM unnest($2::bigint[], $3::bigint[]) AS u(hour, n)
            WHERE h.project_id = $1 AND h.hour = to_timestamp(u.hour)
            """, [projectID, PGArray(hours), PGArray(counts)])
        try db.query("""
            DELETE FROM project_hourly WHERE project_id = $1 AND count = 0 AND hour = ANY(SELECT to_timestamp(h) FROM unnest($2::bigint[]) AS h)
            """, [projectID, PGArray(hours)])
    }

    // MARK: Retention

    /// Deletes the hourly rows of issues before `cutoff`.
    public func deleteIssueHourly(before cutoff: Date) throws {
        try db.query("DELETE FROM issue_hourly WHERE hour < $1", [cutoff])
    }

    /// Deletes the hourly rows of projects before `cutoff`.
    public func deleteProjectHourly(before cutoff: Date) throws {
        try db.query("DELETE FROM project_hourly WHERE hour < $1", [cutoff])
    }

    // MARK: Reads for the API

    public struct IssueHour: Sendable {
        public let issueID: Int64
        /// Unix seconds of the hour's start.
        public let hour: Int64
        public let count: Int64
    }

    /// The issues' hourly counts from `since` (Unix seconds) on.
    public func issueHours(issueIDs: [Int64], since: Int64) throws -> [IssueHour] {
        try db.query("""
            SELECT issue_id, extract(epoch FROM hour)::bigint AS hour, count FROM issue_hourly
            WHERE issue_id = ANY($1::bigint[]) AND hour >= to_timestamp($2)
            """, [PGArray(issueIDs), since]).rows.map { row in
            IssueHour(issueID: try row.int("issue_id"), hour: try row.int("hour"), count: try row.int("count"))
        }
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
}

extension RollupRepository.TagValue {
    init(_ row: PGRow) throws {
        key = try row.string("key")
        value = try row.string("value")
        count = try row.int("count")
        firstSeen = try row.date("first_seen")
        lastSeen = try row.date("last_seen")
    }
}
