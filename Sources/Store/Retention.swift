import EventModel
import Foundation
import Postgres

/// Drops what is older than the retention period: whole day partitions of `events`, old rows of
/// the default partition, `event_ids` and the hourly rollups, and issues not seen since.
public struct Retention {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public struct Report: Sendable, Equatable {
        public var cutoff: Date
        public var droppedPartitions: [String] = []
        public var deletedEvents: Int64 = 0
        public var deletedIssues: Int64 = 0

        /// One line for `faultline admin retention` and the `retention` job's log and `job_runs`.
        public var summary: String {
            "kept events since \(Timestamp.format(cutoff)); dropped \(droppedPartitions.count) day partitions"
                + (droppedPartitions.isEmpty ? "" : " (\(droppedPartitions.joined(separator: ", ")))")
                + ", \(deletedEvents) events from the default partition, \(deletedIssues) issues"
        }
    }

    /// Keeps the last `days` whole UTC days before today, and today.
    public func apply(keepDays days: Int, now: Date = Date()) throws -> Report {
        precondition(days >= 1)
        let today = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        var report = Report(cutoff: Date(timeIntervalSince1970: today - Double(days) * 86_400))
        report.droppedPartitions = try EventRepository(db).dropPartitions(before: report.cutoff)
        try db.transaction { tx in
            report.deletedEvents = try EventRepository(tx).deleteBefore(report.cutoff)
            let rollups = RollupRepository(tx)
            try rollups.deleteIssueHourly(before: report.cutoff)
            try rollups.deleteProjectHourly(before: report.cutoff)
            report.deletedIssues = try IssueRepository(tx).deleteNotSeenSince(report.cutoff)
        }
        return report
    }
}
