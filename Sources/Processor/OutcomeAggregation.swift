import EventModel
import Foundation
import Quotas

/// A batch of outcome records summed per row of `outcomes_hourly` (pure). One upsert per row
/// instead of one per record, and rows come out in primary-key order, the order the writer locks
/// them in, so two processors adding to the same hour cannot deadlock.
public enum OutcomeAggregation {
    /// The primary key of `outcomes_hourly`, in its column order.
    public struct Key: Hashable, Comparable, Sendable {
        public let projectID: Int64
        /// Unix seconds of the hour's start (UTC).
        public let hour: Int64
        public let category: Int
        public let outcome: Int
        public let reason: String
        public let keyID: Int64

        public static func < (a: Key, b: Key) -> Bool {
            (a.projectID, a.hour, a.category, a.outcome) < (b.projectID, b.hour, b.category, b.outcome)
                || ((a.projectID, a.hour, a.category, a.outcome) == (b.projectID, b.hour, b.category, b.outcome)
                    && (a.reason, a.keyID) < (b.reason, b.keyID))
        }
    }

    public struct Totals: Equatable, Sendable {
        public var organizationID: Int64
        public var quantity: Int64
        public var timesSeen: Int64
    }

    public struct Result: Sendable {
        public var rows: [(key: Key, totals: Totals)]
        /// Records whose organization is neither in the record nor known for its project.
        public var unattributed: Int
    }

    /// `organizations` maps projects to their organization, for records without `org_id`. The
    /// organization is a property of the project, so the first one seen for a row is kept.
    public static func aggregate(_ records: [OutcomeRecord], organizations: [Int64: Int64]) -> Result {
        var totals: [Key: Totals] = [:]
        var unattributed = 0
        for record in records {
            guard let organization = record.orgID ?? organizations[record.projectID],
                  let timestamp = Timestamp.parse(record.timestamp) else {
                unattributed += 1
                continue
            }
            // `Timestamp.parse` only yields years 0000–9999, so the seconds always fit.
            let seconds = Int64(timestamp.timeIntervalSince1970.rounded(.down))
            let key = Key(projectID: record.projectID, hour: seconds - ((seconds % 3600) + 3600) % 3600,
                          category: record.category, outcome: record.outcome.rawValue, reason: record.reason ?? "",
                          keyID: record.keyID ?? 0)
            // Quantities come from clients (`discarded_events`): sums saturate instead of trapping,
            // or one batch would crash the processor again on every retry.
            var row = totals[key] ?? Totals(organizationID: organization, quantity: 0, timesSeen: 0)
            row.quantity = Saturating.add(row.quantity, Int64(clamping: record.quantity))
            row.timesSeen = Saturating.add(row.timesSeen, 1)
            totals[key] = row
        }
        return Result(rows: totals.sorted { $0.key < $1.key }.map { (key: $0.key, totals: $0.value) }, unattributed: unattributed)
    }
}
