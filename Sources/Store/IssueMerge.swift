import Postgres

/// Merging issues and deleting them, for the API's triage. Both run inside the caller's
/// transaction and keep every counter and rollup exact (`IssueRecount`).
public struct IssueMerge {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// Moves the hashes and events of `children` into `parent` (all of one project) and deletes
    /// the children. New events of the children's hashes then land in the parent.
    public func merge(parent: Int64, children: [Int64], projectID: Int64) throws {
        let ids = PGArray(children.sorted())
        try ProjectLock.exclusive(projectID, db)
        try db.query("UPDATE issue_hashes SET issue_id = $1 WHERE project_id = $3 AND issue_id = ANY($2::bigint[])",
                     [parent, ids, projectID])
        try db.query("UPDATE events SET issue_id = $1 WHERE project_id = $3 AND issue_id = ANY($2::bigint[])",
                     [parent, ids, projectID])
        _ = try IssueRecount(db: db).recount([parent] + children)
        try db.query("""
            INSERT INTO issue_activities (issue_id, type, data)
            VALUES ($1, 'merge', jsonb_build_object('issues', $2::bigint[]))
            """, [parent, ids])
    }

    /// Deletes issues with their events, hashes, users, rollups and activities.
    public func delete(_ issueIDs: [Int64], projectIDs: [Int64]) throws -> [Int64] {
        let deleted = try db.query("""
            DELETE FROM issues WHERE id = ANY($1::bigint[]) AND project_id = ANY($2::bigint[]) RETURNING id
            """, [PGArray(issueIDs.sorted()), PGArray(projectIDs)]).rows.map { try $0.int("id") }
        guard !deleted.isEmpty else { return [] }
        let ids = PGArray(deleted)
        try db.query("""
            WITH gone AS (DELETE FROM events WHERE issue_id = ANY($1::bigint[]) RETURNING project_id, event_id)
            DELETE FROM event_ids k USING gone WHERE k.project_id = gone.project_id AND k.event_id = gone.event_id
            """, [ids])
        try IssueDependents.delete(of: deleted, db)
        return deleted
    }
}
