import EventModel
import Foundation
import Postgres

/// Erases one end user from an organization, as a privacy request asks: every stored event
/// about them (`ErasureTarget` decides which) is deleted with its `event_ids` row, the issues
/// those events counted in are recounted from the events left (`IssueRepository.recount`:
/// counters, `issue_users`, the per-issue rollups; an issue left without events is deleted),
/// `project_hourly` and `release_projects` lose exactly the deleted events, and the
/// organization's dead letters about them are deleted.
///
/// Bounded: events are read a page at a time (by project, then event id), and each page's
/// deletes are one short transaction holding the project's lock exclusively (`ProjectLock`,
/// as reprocessing does), so ingestion of the project waits at most one page's deletes.
/// Resumable: the request is a `user_erasures` row (identifier hashed) written first, with the
/// audit log entry; every page moves its cursor in the transaction of its deletes, and a rerun
/// of the same request carries on from there. Idempotent: what is gone is not found again.
///
/// Races with ingestion: the row is also a tombstone. A processor's batch reads the
/// organization's tombstones after taking its projects' locks shared (`EventWriter`) and drops
/// the events of an erased user. A batch that read them before the tombstone was committed still
/// holds its shared lock, so the exclusive lock taken on each project before its scan (a
/// barrier) waits until that batch committed, and the scan sees its events.
public struct UserErasure {
    let db: PGConnection
    let pageSize: Int

    public init(_ db: PGConnection, pageSize: Int = 200) {
        self.db = db
        self.pageSize = max(1, pageSize)
    }

    public struct Report: Sendable, Equatable {
        public var dryRun: Bool
        /// The `user_erasures` row (nil for a dry run, which writes nothing).
        public var erasureID: Int64?
        public var identifierHash: String
        public var events: Int64 = 0
        public var issuesTouched: Int64 = 0
        public var issuesDeleted: Int64 = 0
        public var deadLetters: Int64 = 0
        /// False when the page budget ran out first: run the request again to go on.
        public var finished = true

        /// One line for `faultline admin erase-user`.
        public var summary: String {
            (dryRun ? "would erase" : "erased") + " \(events) events (\(issuesTouched) issues recounted"
                + (dryRun ? "" : ", \(issuesDeleted) deleted") + "), \(deadLetters) dead letters"
                + (erasureID.map { "; erasure \($0)" } ?? "") + "; identifier sha256 \(identifierHash)"
        }
    }

    /// `pageBudget` bounds how many pages of events this call deletes from; the rest is left to
    /// the next run of the same request (`Report.finished` false).
    public func run(organizationID: Int64, target: ErasureTarget, actor: AuditActor, dryRun: Bool,
                    pageBudget: Int = .max) throws -> Report {
        let projectIDs = try AdminStore(db).projects(organizationID: organizationID).map(\.id).sorted()
        var report = Report(dryRun: dryRun, identifierHash: target.hash)
        var pagesLeft = Int.max
        if dryRun {
            for projectID in projectIDs {
                try scan(projectID: projectID, after: ErasureRepository.startEventID, target, &report, erasure: nil, pagesLeft: &pagesLeft)
            }
            try deadLetters(projectIDs: projectIDs, target, &report, erasure: nil)
            return report
        }
        let progress = try db.transaction { tx in
            let progress = try ErasureRepository(tx).begin(organizationID: organizationID, kind: target.kind.rawValue,
                                                           identifierHash: target.hash)
            try AuditLogRepository(tx).record(organizationID: organizationID, actor, AuditEvent(
                "user.erase", targetObject: progress.id,
                data: ["kind": .string(target.kind.rawValue), "identifierHash": .string(target.hash)]))
            return progress
        }
        report.erasureID = progress.id
        pagesLeft = max(1, pageBudget)
        for projectID in projectIDs where projectID >= progress.cursorProjectID {
            // The barrier: every batch that could have missed the tombstone has committed.
            try db.transaction { tx in try ProjectLock.exclusive(projectID, tx) }
            let after = projectID == progress.cursorProjectID ? progress.cursorEventID : ErasureRepository.startEventID
            try scan(projectID: projectID, after: after, target, &report, erasure: progress.id, pagesLeft: &pagesLeft)
            if pagesLeft == 0 {
                report.finished = false
                return report
            }
        }
        try deadLetters(projectIDs: projectIDs, target, &report, erasure: progress.id)
        try ErasureRepository(db).finish(id: progress.id)
        return report
    }

    /// Pages through the project's events from `after`; deletes (or, without `erasure`, counts) the user's.
    private func scan(projectID: Int64, after start: String, _ target: ErasureTarget, _ report: inout Report,
                      erasure: Int64?, pagesLeft: inout Int) throws {
        var after = start
        while pagesLeft > 0 {
            let page = try EventRepository(db).page(projectID: projectID, after: after, limit: pageSize)
            guard let last = page.last else { return }
            pagesLeft -= 1
            let doomed = page.filter { Self.matches($0.payload, target) }
            after = last.eventID
            guard let erasure else {
                report.events += Int64(doomed.count)
                report.issuesTouched += Int64(Set(doomed.map(\.issueID)).count)
                continue
            }
            let (deleted, issues, issuesDeleted) = try db.transaction { tx -> (Int64, Int64, Int64) in
                var issuesDeleted: Int64 = 0
                var deleted: [EventRepository.DeletedEvent] = []
                if !doomed.isEmpty {
                    try ProjectLock.exclusive(projectID, tx)
                    deleted = try EventRepository(tx).delete(projectID: projectID, eventIDs: doomed.map(\.eventID),
                                                             timestamps: doomed.map(\.timestamp))
                    issuesDeleted = try IssueRepository(tx).recount(Array(Set(deleted.map(\.issueID))))
                    try subtract(deleted, projectID: projectID, tx)
                }
                try ErasureRepository(tx).advance(id: erasure, projectID: projectID, eventID: last.eventID,
                                                  events: Int64(deleted.count), issues: issuesDeleted)
                return (Int64(deleted.count), Int64(Set(deleted.map(\.issueID)).count), issuesDeleted)
            }
            report.events += deleted
            report.issuesTouched += issues
            report.issuesDeleted += issuesDeleted
        }
    }

    /// The project-level counters the recount of issues does not cover.
    private func subtract(_ deleted: [EventRepository.DeletedEvent], projectID: Int64, _ tx: PGConnection) throws {
        var hours: [Int64: Int64] = [:]
        var releases: [String: ReleaseRepository.EventSpan] = [:]
        for event in deleted {
            // As RollupWriter buckets them (timestamps are clamped near the present, so in range).
            hours[Int64(event.timestamp.timeIntervalSince1970) / 3600 * 3600, default: 0] += 1
            guard let release = event.release, !release.isEmpty else { continue }
            var span = releases[release] ?? .init(projectID: projectID, version: release, first: event.timestamp,
                                                  last: event.timestamp, count: 0)
            span.first = min(span.first, event.timestamp)
            span.last = max(span.last, event.timestamp)
            span.count += 1
            releases[release] = span
        }
        let sortedHours = hours.keys.sorted()
        try RollupRepository(tx).subtractProjectHours(projectID: projectID, hours: sortedHours, counts: sortedHours.map { hours[$0]! })
        try ReleaseRepository(tx).subtract(releases.keys.sorted().map { releases[$0]! })
    }

    private func deadLetters(projectIDs: [Int64], _ target: ErasureTarget, _ report: inout Report, erasure: Int64?) throws {
        guard !projectIDs.isEmpty else { return }
        var after: Int64 = 0
        while true {
            let page = try DeadLetterRepository(db).page(projectIDs: projectIDs, after: after, limit: pageSize)
            guard let last = page.last else { return }
            after = last.id
            let doomed = page.filter { target.matches(deadLetter: $0.payload) }.map(\.id)
            guard let erasure else {
                report.deadLetters += Int64(doomed.count)
                continue
            }
            guard !doomed.isEmpty else { continue }
            report.deadLetters += try db.transaction { tx in
                let count = try DeadLetterRepository(tx).delete(ids: doomed)
                try ErasureRepository(tx).addDeadLetters(id: erasure, count)
                return count
            }
        }
    }

    /// A stored payload is a JSON object; one that is not (never written so) is searched as text.
    static func matches(_ payload: String, _ target: ErasureTarget) -> Bool {
        let bytes = Array(payload.utf8)
        if case .object(let event)? = try? JSON.parse(bytes) { return target.matches(event: event) }
        return ErasureTarget.contains(bytes, target.quotedNeedle, ignoringASCIICase: target.kind == .email)
    }
}
