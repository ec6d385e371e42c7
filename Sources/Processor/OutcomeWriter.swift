import Postgres
import Quotas
import Store

/// Adds a batch's outcomes to `outcomes_hourly` (through `OutcomeRepository`) inside the
/// caller's transaction (the one that also advances the offsets), so each outcome counts
/// exactly once.
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
            try OutcomeRepository(db).add(rows.map { key, totals in
                OutcomeRepository.HourlyRow(
                    organizationID: totals.organizationID, projectID: key.projectID, keyID: key.keyID, hour: key.hour,
                    category: key.category, outcome: key.outcome, reason: key.reason, quantity: totals.quantity,
                    timesSeen: totals.timesSeen)
            })
        }
        return Result(recorded: records.count - aggregated.unattributed, unattributed: aggregated.unattributed)
    }

    /// Organizations of the projects whose records lack `org_id` (the relay always sets it;
    /// other producers may not).
    private func organizations(of records: [OutcomeRecord]) throws -> [Int64: Int64] {
        let projects = Set(records.filter { $0.orgID == nil }.map(\.projectID)).sorted()
        guard !projects.isEmpty else { return [:] }
        return try AdminStore(db).organizationIDs(projectIDs: projects)
    }
}
