import Postgres

/// The rows that hang off an issue by `issue_id` (its events aside): deleted with the issue.
enum IssueDependents {
    static let tables = ["issue_hashes", "issue_users", "issue_hourly", "issue_releases", "issue_environments",
                         "issue_tag_values", "issue_activities"]

    static func delete(of issueIDs: [Int64], _ db: PGConnection) throws {
        guard !issueIDs.isEmpty else { return }
        for table in tables {
            // Table names are the constants above, never input.
            try db.query("DELETE FROM \(table) WHERE issue_id = ANY($1::bigint[])", [PGArray(issueIDs)])
        }
    }
}
