import Foundation
import Postgres

/// The one owner of `outcomes_hourly`: the processor's upserts (`OutcomeWriter`, inside the
/// transaction that advances the `outcomes` offsets) and the reads for stats_v2.
public struct OutcomeRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// One row to add: the primary key (project, hour, category, outcome, reason, key) with its
    /// organization and sums.
    public struct HourlyRow: Sendable, Equatable {
        public var organizationID: Int64
        public var projectID: Int64
        public var keyID: Int64
        /// Unix seconds of the hour's start.
        public var hour: Int64
        public var category: Int
        public var outcome: Int
        public var reason: String
        public var quantity: Int64
        public var timesSeen: Int64

        public init(organizationID: Int64, projectID: Int64, keyID: Int64, hour: Int64, category: Int, outcome: Int,
                    reason: String, quantity: Int64, timesSeen: Int64) {
            self.organizationID = organizationID
            self.projectID = projectID
            self.keyID = keyID
            self.hour = hour
            self.category = category
            self.outcome = outcome
            self.reason = reason
            self.quantity = quantity
            self.timesSeen = timesSeen
        }
    }

    /// Adds the rows, given in primary-key order and inserted in that order (WITH ORDINALITY),
    /// so concurrent writers lock shared rows in the same order.
    public func add(_ rows: [HourlyRow]) throws {
        try db.query("""
            INSERT INTO outcomes_hourly AS o
                (organization_id, project_id, key_id, hour, category, outcome, reason, quantity, times_seen)
            SELECT organization_id, project_id, key_id, to_timestamp(hour), category, outcome, reason, quantity, times_seen
            FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::smallint[], $6::smallint[],
                        $7::text[], $8::bigint[], $9::bigint[])
                WITH ORDINALITY AS u(organization_id, project_id, key_id, hour, category, outcome, reason, quantity, times_seen, n)
            ORDER BY n
            ON CONFLICT (project_id, hour, category, outcome, reason, key_id) DO UPDATE SET
                -- Summed in numeric and capped at bigint's maximum: client-reported quantities
                -- may add up past it, and an overflow error would fail the batch forever.
                quantity = LEAST(o.quantity::numeric + EXCLUDED.quantity, 9223372036854775807)::bigint,
                times_seen = LEAST(o.times_seen::numeric + EXCLUDED.times_seen, 9223372036854775807)::bigint
            """, [
                PGArray(rows.map(\.organizationID)), PGArray(rows.map(\.projectID)), PGArray(rows.map(\.keyID)),
                PGArray(rows.map(\.hour)), PGArray(rows.map(\.category)), PGArray(rows.map(\.outcome)),
                PGArray(rows.map(\.reason)), PGArray(rows.map(\.quantity)), PGArray(rows.map(\.timesSeen)),
            ])
    }

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
