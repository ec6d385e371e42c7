import Foundation
import Postgres

/// Reads `outcomes_hourly` (written by the processor's `OutcomeWriter`) for stats_v2.
public struct OutcomeRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// One project's sums in one bucket for one category, outcome and reason.
    public struct Sum: Sendable, Equatable {
        public let projectID: Int64
        /// Unix seconds of the bucket's start (a multiple of the interval).
        public let bucket: Int64
        public let category: Int64
        public let outcome: Int64
        public let reason: String
        public let quantity: Int64
        public let timesSeen: Int64
    }

    /// Sums per project, bucket of `interval` seconds, category, outcome and reason in
    /// [`start`, `end`); nil filters keep everything. The stored sums may overflow Int64: they
    /// are added as `numeric` and saturated (no cast that would fail the request).
    public func sums(organizationID: Int64, projectIDs: [Int64], start: Date, end: Date, interval: Int,
                     categories: [Int]?, outcomes: [Int]?, reasons: [String]?) throws -> [Sum] {
        try db.query("""
            SELECT project_id, (floor(extract(epoch FROM hour) / $5) * $5)::bigint AS bucket, category, outcome, reason,
                   greatest(least(sum(quantity), 9223372036854775807), -9223372036854775808)::bigint AS quantity,
                   greatest(least(sum(times_seen), 9223372036854775807), -9223372036854775808)::bigint AS times_seen
            FROM outcomes_hourly
            WHERE organization_id = $1 AND project_id = ANY($2::bigint[]) AND hour >= $3 AND hour < $4
              AND ($6::smallint[] IS NULL OR category = ANY($6::smallint[]))
              AND ($7::smallint[] IS NULL OR outcome = ANY($7::smallint[]))
              AND ($8::text[] IS NULL OR reason = ANY($8::text[]))
            GROUP BY 1, 2, 3, 4, 5
            """, [organizationID, PGArray(projectIDs), start, end, interval,
                  categories.map { PGArray($0) }, outcomes.map { PGArray($0) }, reasons.map { PGArray($0) }]).rows.map { row in
            Sum(projectID: try row.int("project_id"), bucket: try row.int("bucket"), category: try row.int("category"),
                outcome: try row.int("outcome"), reason: try row.string("reason"), quantity: try row.int("quantity"),
                timesSeen: try row.int("times_seen"))
        }
    }
}
