import Foundation
import Postgres

/// Counts of events, issues and distinct users per time bucket and group, read from the events
/// of the range (their day partitions only) under a statement timeout and a row limit.
struct AggregateStore {
    let db: PGConnection

    struct Row {
        let bucket: Date
        /// The value of each `groupBy` dimension, in order, as text.
        let groups: [String?]
        let events: Int64
        let issues: Int64
        let users: Int64
    }

    func counts(_ aggregate: AggregateRequest, projectIDs: [Int64], userEmail: String?, rowLimit: Int) throws -> [Row] {
        var builder = SQLBuilder()
        var conditions = [
            "e.project_id = ANY(\(builder.bind(PGArray(projectIDs)))::bigint[])",
            "e.timestamp >= \(builder.bind(aggregate.start))", "e.timestamp < \(builder.bind(aggregate.end))",
        ]
        if let filter = try SearchFilterSQL.compile(aggregate.query, target: .events, userEmail: userEmail, builder: &builder) {
            conditions.append("(\(filter))")
        }
        let bucket = "to_timestamp(floor(extract(epoch FROM e.timestamp) / \(builder.bind(aggregate.interval))) * \(builder.bind(aggregate.interval)))"
        var groups = [bucket]
        for dimension in aggregate.groupBy {
            switch dimension {
            case .project: groups.append("e.project_id")
            case .issue: groups.append("e.issue_id")
            case .release: groups.append("e.release")
            case .environment: groups.append("e.environment")
            case .level: groups.append("e.level")
            case .tag(let key): groups.append("e.payload->'tags'->>\(builder.bind(key))")
            }
        }
        let selected = groups.enumerated().map { "\($0.element) AS g\($0.offset)" }.joined(separator: ", ")
        let positions = groups.indices.map { String($0 + 1) }.joined(separator: ", ")
        let limit = builder.bind(rowLimit)
        return try db.transaction { tx in
            try tx.query("SET LOCAL statement_timeout = '10s'")
            return try tx.query("""
                SELECT \(selected), count(*) AS events, count(DISTINCT e.issue_id) AS issues, count(DISTINCT e.user_key) AS users
                FROM events e WHERE \(conditions.joined(separator: " AND "))
                GROUP BY \(positions) ORDER BY \(positions) LIMIT \(limit)
                """, builder.parameters).rows.map { row in
                Row(bucket: try row.date("g0"), groups: try aggregate.groupBy.indices.map { try row.optionalString("g\($0 + 1)") },
                    events: try row.int("events"), issues: try row.int("issues"), users: try row.int("users"))
            }
        }
    }
}
