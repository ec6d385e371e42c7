import EventModel
import Foundation
import Postgres
import Store

/// Reads stored events: by id (through `event_ids`, which names the day partition), an issue's
/// newest, oldest or a page of them, and the events of a trace.
struct EventStore {
    let db: PGConnection

    static let columns = """
        e.project_id, replace(e.event_id::text, '-', '') AS event_id, e.issue_id, e.timestamp, e.received_at,
        e.platform, e.level, e.title, e.release, e.environment, e.trace_id, e.user_key, e.payload::text AS payload
        """

    /// Two statements: `event_ids` gives the timestamp, which confines the second to one day
    /// partition (a join would probe every partition).
    func event(projectIDs: [Int64], eventID: String) throws -> EventRecord? {
        guard let id = EventID.normalize(eventID),
              let key = try db.query("SELECT project_id, timestamp FROM event_ids WHERE project_id = ANY($1::bigint[]) AND event_id = $2::uuid",
                                     [PGArray(projectIDs), id]).first else { return nil }
        return try db.query("""
            SELECT \(Self.columns) FROM events e WHERE e.project_id = $1 AND e.event_id = $2::uuid AND e.timestamp = $3
            """, [try key.int("project_id"), id, try key.date("timestamp")]).rows.first.map(EventRecord.init)
    }

    enum End { case latest, oldest }

    /// The issue's newest or oldest event. Its first and last seen name the partition to read;
    /// the scan over all partitions is the fallback (e.g. after retention dropped that day).
    func event(issue: IssueRecord, _ end: End) throws -> EventRecord? {
        let order = end == .latest ? "DESC" : "ASC"
        // The exact timestamp comes from SQL, not through a Double, so equality holds.
        let at = try IssueRepository(db).seenText(issueID: issue.id, last: end == .latest)
        if let at, let event = try db.query("""
            SELECT \(Self.columns) FROM events e WHERE e.issue_id = $1 AND e.timestamp = $2::timestamptz ORDER BY e.event_id \(order) LIMIT 1
            """, [issue.id, at]).rows.first.map(EventRecord.init) {
            return event
        }
        return try db.query("""
            SELECT \(Self.columns) FROM events e WHERE e.issue_id = $1
            ORDER BY e.timestamp \(order), e.event_id \(order) LIMIT 1
            """, [issue.id]).rows.first.map(EventRecord.init)
    }

    /// A page of an issue's events, newest first.
    func events(issueID: Int64, limit: Int, offset: Int) throws -> ([EventRecord], Bool) {
        let rows = try db.query("""
            SELECT \(Self.columns) FROM events e WHERE e.issue_id = $1
            ORDER BY e.timestamp DESC, e.event_id DESC LIMIT $2 OFFSET $3
            """, [issueID, limit + 1, offset]).rows.map(EventRecord.init)
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    /// The events before and after one of its issue, for `previousEventID` / `nextEventID`.
    func neighbours(of event: EventRecord) throws -> (previous: String?, next: String?) {
        let previous = try db.query("""
            SELECT replace(event_id::text, '-', '') AS id FROM events
            WHERE issue_id = $1 AND (timestamp, event_id) < ($2, $3::uuid) ORDER BY timestamp DESC, event_id DESC LIMIT 1
            """, [event.issueID, event.timestamp, event.eventID]).first.map { try $0.string("id") }
        let next = try db.query("""
            SELECT replace(event_id::text, '-', '') AS id FROM events
            WHERE issue_id = $1 AND (timestamp, event_id) > ($2, $3::uuid) ORDER BY timestamp ASC, event_id ASC LIMIT 1
            """, [event.issueID, event.timestamp, event.eventID]).first.map { try $0.string("id") }
        return (previous, next)
    }

    /// Every stored event of a trace in the projects, oldest first (bounded).
    func events(traceID: String, projectIDs: [Int64], limit: Int) throws -> [EventRecord] {
        try db.query("""
            SELECT \(Self.columns) FROM events e
            WHERE e.trace_id = $1 AND e.project_id = ANY($2::bigint[])
            ORDER BY e.timestamp, e.event_id LIMIT $3
            """, [traceID, PGArray(projectIDs), limit]).rows.map(EventRecord.init)
    }
}

extension EventRecord {
    init(_ row: PGRow) throws {
        projectID = try row.int("project_id")
        eventID = try row.string("event_id")
        issueID = try row.int("issue_id")
        timestamp = try row.date("timestamp")
        received = try row.date("received_at")
        platform = try row.optionalString("platform")
        level = try row.string("level")
        title = try row.string("title")
        release = try row.optionalString("release")
        environment = try row.optionalString("environment")
        traceID = try row.optionalString("trace_id")
        userKey = try row.optionalString("user_key")
        let text = try row.string("payload")
        size = text.utf8.count
        let parsed = Self.payload(text)
        payload = parsed.object
        payloadReadable = parsed.readable
    }
}
