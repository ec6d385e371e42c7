import Postgres

/// Merging issues and deleting them, for the API's triage. Both run inside the caller's
/// transaction and keep every counter and rollup exact (`IssueRepository.recount`).
public struct IssueMerge {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// Moves the hashes and events of `children` into `parent` (all of one project) and deletes
    /// the children. New events of the children's hashes then land in the parent.
    public func merge(parent: Int64, children: [Int64], projectID: Int64) throws {
        let issues = IssueRepository(db)
        try ProjectLock.exclusive(projectID, db)
        try issues.moveHashesAndEvents(from: children, to: parent, projectID: projectID)
        _ = try issues.recount([parent] + children)
        let merged = children.sorted().map(String.init).joined(separator: ",")
        try issues.recordActivity(issueIDs: [parent], type: "merge", data: #"{"issues": [\#(merged)]}"#)
    }

    /// Deletes issues with their events, hashes, users, rollups and activities.
    public func delete(_ issueIDs: [Int64], projectIDs: [Int64]) throws -> [Int64] {
        try IssueRepository(db).delete(ids: issueIDs, projectIDs: projectIDs)
    }
}
