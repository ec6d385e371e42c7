import Postgres
import Quotas

/// Adds a batch's outcomes to `outcomes_hourly` inside the caller's transaction (the one that
/// also advances the offsets), so each outcome counts exactly once.
public struct OutcomeWriter {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public struct Result: Sendable, Equatable {
        public var recorded = 0
        /// Records of projects that no longer exist and carry no organization: nothing to file them under.
        public var unattributed = 0
    }

    public func write(_ records: [OutcomeRecord]) throws -> Result {
        guard !records.isEmpty else { return Result() }
        let aggregated = OutcomeAggregation.aggregate(records, organizations: try organizations(of: records))
        let rows = aggregated.rows
        if !rows.isEmpty {
            // Rows are sorted by primary key and inserted in that order (WITH ORDINALITY), so
            // concurrent writers lock shared rows in the same order.
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
                    PGArray(rows.map { $0.totals.organizationID }), PGArray(rows.map { $0.key.projectID }),
                    PGArray(rows.map { $0.key.keyID }), PGArray(rows.map { $0.key.hour }), PGArray(rows.map { $0.key.category }),
                    PGArray(rows.map { $0.key.outcome }), PGArray(rows.map { $0.key.reason }),
                    PGArray(rows.map { $0.totals.quantity }), PGArray(rows.map { $0.totals.timesSeen }),
                ])
        }
        return Result(recorded: records.count - aggregated.unattributed, unattributed: aggregated.unattributed)
    }

    /// Organizations of the projects whose records lack `org_id` (the relay always sets it;
    /// other producers may not).
    private func organizations(of records: [OutcomeRecord]) throws -> [Int64: Int64] {
        let projects = Set(records.filter { $0.orgID == nil }.map(\.projectID)).sorted()
        guard !projects.isEmpty else { return [:] }
        var result: [Int64: Int64] = [:]
        for row in try db.query("SELECT id, organization_id FROM projects WHERE id = ANY($1::bigint[])", [PGArray(projects)]).rows {
            result[try row.int("id")] = try row.int("organization_id")
        }
        return result
    }
}
