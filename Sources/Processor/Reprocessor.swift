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
        var progress = Progress(total: try db.query("SELECT count(*) AS n FROM event_ids WHERE project_id = $1", [projectID]).first?.int("n") ?? 0)
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
        let rows = try tx.query("""
            SELECT e.event_id::text AS event_id, e.issue_id, e.timestamp, e.received_at, e.platform, e.level, e.release,
                   e.environment, e.trace_id, e.user_key, e.payload::text AS payload
            FROM (SELECT event_id, timestamp FROM event_ids WHERE project_id = $1 AND event_id > $2::uuid
                  ORDER BY event_id LIMIT $3) AS k
            JOIN events e ON e.project_id = $1 AND e.event_id = k.event_id AND e.timestamp = k.timestamp
            ORDER BY k.event_id
            """, [projectID, after, chunkSize])
        guard let lastRow = rows.rows.last else { return nil }

        var events: [ProcessedEvent] = []
        var currentIssue: [String: Int64] = [:]
        for row in rows.rows {
            let payload = try row.string("payload")
            let stored = try SentryEvent.parse(Array(payload.utf8))
            let eventID = try row.string("event_id")
            currentIssue[eventID] = try row.int("issue_id")
            events.append(ProcessedEvent(
                projectID: projectID, eventID: eventID, timestamp: try row.date("timestamp"), received: try row.date("received_at"),
                platform: try row.optionalString("platform") ?? "other", level: try row.string("level"),
                release: try row.optionalString("release"), environment: try row.optionalString("environment"),
                traceID: try row.optionalString("trace_id"), userKey: try row.optionalString("user_key"),
                grouping: group(stored), tags: [:], payload: payload))
        }
        var created = EventWriter.Result()
        let issueIDs = try EventWriter(tx).resolveIssues(events, result: &created)
        progress.issuesCreated += Int64(created.newIssues)

        var moves: [(event: ProcessedEvent, to: Int64)] = []
        var touched = Set<Int64>()
        for event in events {
            let target = issueIDs[EventWriter.HashKey(projectID: projectID, hash: event.grouping.hashes[0])]!
            let from = currentIssue[event.eventID]!
            if target != from {
                moves.append((event, target))
                touched.formUnion([from, target])
            }
        }
        try tx.query("""
            UPDATE events e SET title = u.title,
                payload = e.payload || jsonb_build_object('hashes', u.hashes::jsonb, 'title', u.title, 'culprit', u.culprit)
            FROM unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) AS u(event_id, timestamp, title, culprit, hashes)
            WHERE e.project_id = $1 AND e.event_id = u.event_id AND e.timestamp = u.timestamp
            """, [projectID, PGArray(events.map(\.eventID)), PGArray(events.map(\.timestamp)),
                  PGArray(events.map(\.grouping.title)), PGArray(events.map(\.grouping.culprit)),
                  PGArray(events.map { JSON.array($0.grouping.hashes.map(JSON.string)).encodedString() })])
        if !moves.isEmpty {
            try tx.query("""
                UPDATE events e SET issue_id = u.issue_id
                FROM unnest($2::uuid[], $3::timestamptz[], $4::bigint[]) AS u(event_id, timestamp, issue_id)
                WHERE e.project_id = $1 AND e.event_id = u.event_id AND e.timestamp = u.timestamp
                """, [projectID, PGArray(moves.map(\.event.eventID)), PGArray(moves.map(\.event.timestamp)), PGArray(moves.map(\.to))])
            progress.issuesDeleted += try IssueRecount(db: tx).recount(touched.sorted())
        }
        progress.moved += Int64(moves.count)
        progress.done += Int64(rows.rows.count)
        return try lastRow.string("event_id")
    }
}
