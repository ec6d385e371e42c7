import Postgres

/// Recomputes issues' counters, users and rollups from their stored events (after events moved
/// between issues), inside the caller's transaction; deletes issues left without events.
public struct IssueRecount {
    let db: PGConnection

    public init(db: PGConnection) { self.db = db }

    /// Returns how many issues were deleted.
    public func recount(_ issueIDs: [Int64]) throws -> Int64 {
        let ids = PGArray(issueIDs.sorted())
        try db.query("SELECT id FROM issues WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE", [ids])
        let deleted = try db.query("""
            DELETE FROM issues i WHERE i.id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM events e WHERE e.issue_id = i.id)
            RETURNING id
            """, [ids]).rows.map { try $0.int("id") }
        try IssueDependents.delete(of: deleted, db)
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
}
