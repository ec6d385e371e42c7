import EventModel
import Foundation
import Grouping
import Postgres
import Store

/// Re-derives a project's grouping from its stored events (after its grouping rules changed),
/// while ingestion goes on. Works in chunks, each one transaction holding the project's lock
/// exclusively (`ProjectLock`): events whose primary hash now names another issue move there,
/// and every issue touched has its counters and rollups recomputed from its events, so the
/// totals stay exact after every chunk. Issues left without events are deleted.
public struct Reprocessor {
    public struct Progress: Sendable, Equatable {
        public var total: Int64
        public var done: Int64 = 0
        public var moved: Int64 = 0
        public var issuesCreated: Int64 = 0
        public var issuesDeleted: Int64 = 0
    }

    let db: PGConnection
    let projectID: Int64
    let group: (SentryEvent) -> GroupingResult
    let chunkSize: Int

    public init(_ db: PGConnection, projectID: Int64, chunkSize: Int = 1000, group: @escaping (SentryEvent) -> GroupingResult) {
        self.db = db
        self.projectID = projectID
        self.chunkSize = chunkSize
        self.group = group
    }

    public func run(report: (Progress) -> Void) throws -> Progress {
        var progress = Progress(total: try EventRepository(db).count(projectID: projectID))
        var after = "00000000-0000-0000-0000-000000000000"
        while true {
            let last = try db.transaction { tx in try chunk(tx, after: after, progress: &progress) }
            guard let last else { break }
            after = last
            report(progress)
        }
        return progress
    }

    /// Returns the last event id of the chunk, nil when there was nothing left.
    private func chunk(_ tx: PGConnection, after: String, progress: inout Progress) throws -> String? {
        try ProjectLock.exclusive(projectID, tx)
        let events = EventRepository(tx)
        let stored = try events.page(projectID: projectID, after: after, limit: chunkSize)
        guard let last = stored.last else { return nil }

        var processed: [ProcessedEvent] = []
        var currentIssue: [String: Int64] = [:]
        for row in stored {
            let parsed = try SentryEvent.parse(Array(row.payload.utf8))
            currentIssue[row.eventID] = row.issueID
            processed.append(ProcessedEvent(
                projectID: projectID, eventID: row.eventID, timestamp: row.timestamp, received: row.received,
                platform: row.platform ?? "other", level: row.level, release: row.release, environment: row.environment,
                traceID: row.traceID, userKey: row.userKey, grouping: group(parsed), tags: [:], payload: row.payload))
        }
        var created = EventWriter.Result()
        // Regrouping is not news: issues it creates fire no alert rules.
        var unannounced = AlertFiring.Changes()
        let issueIDs = try EventWriter(tx).resolveIssues(processed, result: &created, changes: &unannounced)
        progress.issuesCreated += Int64(created.newIssues)

        var moves: [(event: ProcessedEvent, to: Int64)] = []
        var touched = Set<Int64>()
        for event in processed {
            let target = issueIDs[EventWriter.HashKey(projectID: projectID, hash: event.grouping.hashes[0])]!
            let from = currentIssue[event.eventID]!
            if target != from {
                moves.append((event, target))
                touched.formUnion([from, target])
            }
        }
        try events.regroup(projectID: projectID, processed.map { event in
            EventRepository.Regrouped(eventID: event.eventID, timestamp: event.timestamp, title: event.grouping.title,
                                      culprit: event.grouping.culprit,
                                      hashes: JSON.array(event.grouping.hashes.map(JSON.string)).encodedString())
        })
        if !moves.isEmpty {
            try events.move(projectID: projectID, eventIDs: moves.map(\.event.eventID), timestamps: moves.map(\.event.timestamp),
                            to: moves.map(\.to))
            progress.issuesDeleted += try IssueRepository(tx).recount(touched.sorted())
        }
        progress.moved += Int64(moves.count)
        progress.done += Int64(stored.count)
        return last.eventID
    }
}
