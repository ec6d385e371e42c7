import Foundation
import Postgres

/// Reads `outcomes_hourly` (written by the processor) for stats_v2: sums per project, bucket,
/// category, outcome and reason within the query's range and filters. The sums are `numeric`
/// (no cast to bigint, which would fail the request on rows that overflow it), saturated to Int64.
struct StatsStore {
    let db: PGConnection

    func rows(organizationID: Int64, projectIDs: [Int64], _ query: StatsQuery) throws -> [StatsResult.Row] {
        try db.query("""
            SELECT project_id, (floor(extract(epoch FROM hour) / $5) * $5)::bigint AS bucket, category, outcome, reason,
                   sum(quantity) AS quantity, sum(times_seen) AS times_seen
            FROM outcomes_hourly
            WHERE organization_id = $1 AND project_id = ANY($2::bigint[]) AND hour >= $3 AND hour < $4
              AND ($6::smallint[] IS NULL OR category = ANY($6::smallint[]))
              AND ($7::smallint[] IS NULL OR outcome = ANY($7::smallint[]))
              AND ($8::text[] IS NULL OR reason = ANY($8::text[]))
            GROUP BY 1, 2, 3, 4, 5
            """, [organizationID, PGArray(projectIDs), query.start, query.end, query.interval,
                  query.categories.map { PGArray($0) }, query.outcomes.map { PGArray($0) }, query.reasons.map { PGArray($0) }]).rows.map { row in
            StatsResult.Row(projectID: try row.int("project_id"), bucket: Int(try row.int("bucket")),
                            category: Int(try row.int("category")), outcome: Int(try row.int("outcome")),
                            reason: try row.string("reason"), quantity: try row.saturatedInt("quantity"),
                            timesSeen: try row.saturatedInt("times_seen"))
        }
    }
}
