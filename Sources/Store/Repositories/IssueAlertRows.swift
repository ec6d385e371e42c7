import Foundation
import Postgres

/// What alert rules read of the issues a batch changed (the issue row after the batch).
extension IssueRepository {
    public struct AlertRow: Sendable, Equatable {
        public let id: Int64
        public let projectID: Int64
        public let shortID: Int64
        public let title: String
        public let culprit: String
        public let status: String
        public let firstSeen: Date
        public let lastSeen: Date
        public let timesSeen: Int64
        public let userCount: Int64
        public let assignedTo: String?
    }

    public func alertRows(ids: [Int64]) throws -> [Int64: AlertRow] {
        var rows: [Int64: AlertRow] = [:]
        for row in try db.query("""
            SELECT id, project_id, short_id, title, culprit, status, first_seen, last_seen, times_seen, user_count, assigned_to
            FROM issues WHERE id = ANY($1::bigint[])
            """, [PGArray(ids)]).rows {
            let id = try row.int("id")
            rows[id] = AlertRow(id: id, projectID: try row.int("project_id"), shortID: try row.int("short_id"), title: try row.string("title"),
                                culprit: try row.string("culprit"), status: try row.string("status"), firstSeen: try row.date("first_seen"),
                                lastSeen: try row.date("last_seen"), timesSeen: try row.int("times_seen"), userCount: try row.int("user_count"),
                                assignedTo: try row.optionalString("assigned_to"))
        }
        return rows
    }
}
