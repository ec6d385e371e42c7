import Postgres

/// Recomputes issues' counters, users and rollups from their stored events (after events moved
/// between issues), inside the caller's transaction; deletes issues left without events.
/// The statements are `IssueRepository.recount`'s; this name stays for the reprocessor.
public struct IssueRecount {
    let db: PGConnection

    public init(db: PGConnection) { self.db = db }

    /// Returns how many issues were deleted.
    public func recount(_ issueIDs: [Int64]) throws -> Int64 {
        try IssueRepository(db).recount(issueIDs)
    }
}
