import EventModel
import Foundation
import Postgres
import Store

/// Reads stored events for the API through `EventRepository`: by id (through `event_ids`,
/// which names the day partition), an issue's newest, oldest or a page of them, and the events
/// of a trace.
struct EventStore {
    let db: PGConnection

    func event(projectIDs: [Int64], eventID: String) throws -> EventRecord? {
        guard let id = EventID.normalize(eventID) else { return nil }
        return try EventRepository(db).event(projectIDs: projectIDs, eventID: id).map(EventRecord.init)
    }

    enum End { case latest, oldest }

    /// The issue's newest or oldest event. Its first and last seen name the partition to read;
    /// the scan over all partitions is the fallback (e.g. after retention dropped that day).
    func event(issue: IssueRecord, _ end: End) throws -> EventRecord? {
        let events = EventRepository(db)
        // The exact timestamp comes from SQL, not through a Double, so equality holds.
        let at = try IssueRepository(db).seenText(issueID: issue.id, last: end == .latest)
        if let at, let event = try events.event(issueID: issue.id, at: at, newest: end == .latest) {
            return EventRecord(event)
        }
        return try events.event(issueID: issue.id, newest: end == .latest).map(EventRecord.init)
    }

    /// A page of an issue's events, newest first.
    func events(issueID: Int64, limit: Int, offset: Int) throws -> ([EventRecord], Bool) {
        let rows = try EventRepository(db).events(issueID: issueID, limit: limit + 1, offset: offset).map(EventRecord.init)
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    /// A page of the project's events, newest first.
    func events(projectID: Int64, limit: Int, offset: Int) throws -> ([EventRecord], Bool) {
        let rows = try EventRepository(db).events(projectID: projectID, limit: limit + 1, offset: offset).map(EventRecord.init)
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    /// The events before and after one of its issue, for `previousEventID` / `nextEventID`.
    func neighbours(of event: EventRecord) throws -> (previous: String?, next: String?) {
        try EventRepository(db).neighbours(issueID: event.issueID, timestamp: event.timestamp, eventID: event.eventID)
    }

    /// Every stored event of a trace in the projects, oldest first (bounded).
    func events(traceID: String, projectIDs: [Int64], limit: Int) throws -> [EventRecord] {
        try EventRepository(db).events(traceID: traceID, projectIDs: projectIDs, limit: limit).map(EventRecord.init)
    }
}

extension EventRecord {
    init(_ stored: StoredEvent) {
        projectID = stored.projectID
        eventID = stored.eventID
        issueID = stored.issueID
        timestamp = stored.timestamp
        received = stored.received
        platform = stored.platform
        level = stored.level
        title = stored.title ?? ""
        release = stored.release
        environment = stored.environment
        traceID = stored.traceID
        userKey = stored.userKey
        size = stored.payload.utf8.count
        let parsed = Self.payload(stored.payload)
        payload = parsed.object
        payloadReadable = parsed.readable
    }
}
