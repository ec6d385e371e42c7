import Foundation
import Postgres

/// The one owner of `events` (partitioned by day) and `event_ids` (which holds each project's
/// event id once across all partitions and names the day): the processor's inserts and their
/// partitions, reprocessing's reads and moves, the API's reads, the analyst aggregates and
/// retention. Merging and deleting issues move and delete events through `IssueRepository`.
public struct EventRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    // MARK: Partitions

    /// Creates the day partition of `day` (days since the Unix epoch) if it is missing. Outside
    /// a transaction: DDL there would hold the parent table's lock until commit.
    public func ensurePartition(day: Int64) throws {
        // False means the default partition keeps that day's rows; either way it is settled.
        try db.query("SELECT faultline_ensure_event_partition((to_timestamp($1::bigint * 86400) AT TIME ZONE 'UTC')::date)", [day])
    }

    // MARK: Writes from the processor

    /// An event to store.
    public struct NewEvent: Sendable {
        public var projectID: Int64
        public var eventID: String
        public var issueID: Int64
        public var timestamp: Date
        public var received: Date
        public var platform: String
        public var level: String
        public var title: String
        public var release: String?
        public var environment: String?
        public var traceID: String?
        public var userKey: String?
        /// The event JSON.
        public var payload: String

        public init(projectID: Int64, eventID: String, issueID: Int64, timestamp: Date, received: Date, platform: String,
                    level: String, title: String, release: String?, environment: String?, traceID: String?, userKey: String?,
                    payload: String) {
            self.projectID = projectID
            self.eventID = eventID
            self.issueID = issueID
            self.timestamp = timestamp
            self.received = received
            self.platform = platform
            self.level = level
            self.title = title
            self.release = release
            self.environment = environment
            self.traceID = traceID
            self.userKey = userKey
            self.payload = payload
        }
    }

    /// Inserts the events not stored yet (by project and event id, across all partitions);
    /// returns the (project, event id without dashes) of each one inserted.
    public func insertNew(_ events: [NewEvent]) throws -> [(projectID: Int64, eventID: String)] {
        // event_ids holds (project, event id) once across all day partitions of events.
        let rows = try db.query("""
            WITH incoming AS (
                SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::text[],
                                     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
                    AS e(project_id, event_id, issue_id, timestamp, received_at, platform, level, title,
                         release, environment, trace_id, user_key, payload)
            ), fresh AS (
                INSERT INTO event_ids (project_id, event_id, timestamp)
                SELECT project_id, event_id, timestamp FROM incoming
                ON CONFLICT (project_id, event_id) DO NOTHING
                RETURNING project_id, event_id
            )
            INSERT INTO events (project_id, event_id, issue_id, timestamp, received_at, platform, level, title,
                                release, environment, trace_id, user_key, payload)
            SELECT project_id, event_id, issue_id, timestamp, received_at, platform, level, title,
                   release, environment, trace_id, user_key, payload::jsonb
            FROM incoming JOIN fresh USING (project_id, event_id)
            RETURNING project_id, replace(event_id::text, '-', '') AS event_id
            """, [
                PGArray(events.map(\.projectID)), PGArray(events.map(\.eventID)), PGArray(events.map(\.issueID)),
                PGArray(events.map(\.timestamp)), PGArray(events.map(\.received)), PGArray(events.map(\.platform)),
                PGArray(events.map(\.level)), PGArray(events.map(\.title)), PGArray(events.map(\.release)),
                PGArray(events.map(\.environment)), PGArray(events.map(\.traceID)), PGArray(events.map(\.userKey)),
                PGArray(events.map(\.payload)),
            ])
        return try rows.rows.map { (try $0.int("project_id"), try $0.string("event_id")) }
    }

    /// The issue's events and distinct users over the last `eventMinutes` and `userMinutes`
    /// (for ignore conditions with a window).
    public func windowCounts(issueID: Int64, eventMinutes: Int64, userMinutes: Int64) throws -> (events: Int64, users: Int64) {
        let row = try db.query("""
            SELECT count(*) FILTER (WHERE timestamp > now() - make_interval(mins => $2::int)) AS events,
                   count(DISTINCT user_key) FILTER (WHERE timestamp > now() - make_interval(mins => $3::int)) AS users
            FROM events WHERE issue_id = $1 AND timestamp > now() - make_interval(mins => GREATEST($2::int, $3::int))
            """, [issueID, eventMinutes, userMinutes]).first
        return (try row?.int("events") ?? 0, try row?.int("users") ?? 0)
    }

    // MARK: Reprocessing

    /// How many events the project has stored.
    public func count(projectID: Int64) throws -> Int64 {
        try db.query("SELECT count(*) AS n FROM event_ids WHERE project_id = $1", [projectID]).first?.int("n") ?? 0
    }

    /// The project's events after `after` (a UUID) in event id order, at most `limit`.
    public func page(projectID: Int64, after: String, limit: Int) throws -> [StoredEvent] {
        try db.query("""
            SELECT e.event_id::text AS event_id, e.issue_id, e.timestamp, e.received_at, e.platform, e.level, e.release,
                   e.environment, e.trace_id, e.user_key, e.payload::text AS payload
            FROM (SELECT event_id, timestamp FROM event_ids WHERE project_id = $1 AND event_id > $2::uuid
                  ORDER BY event_id LIMIT $3) AS k
            JOIN events e ON e.project_id = $1 AND e.event_id = k.event_id AND e.timestamp = k.timestamp
            ORDER BY k.event_id
            """, [projectID, after, limit]).rows.map { row in
            StoredEvent(projectID: projectID, eventID: try row.string("event_id"), issueID: try row.int("issue_id"),
                        timestamp: try row.date("timestamp"), received: try row.date("received_at"),
                        platform: try row.optionalString("platform"), level: try row.string("level"), title: nil,
                        release: try row.optionalString("release"), environment: try row.optionalString("environment"),
                        traceID: try row.optionalString("trace_id"), userKey: try row.optionalString("user_key"),
                        payload: try row.string("payload"))
        }
    }

    /// New grouping of one stored event: its title, culprit and hashes (a JSON array).
    public struct Regrouped: Sendable {
        public var eventID: String
        public var timestamp: Date
        public var title: String
        public var culprit: String
        public var hashes: String

        public init(eventID: String, timestamp: Date, title: String, culprit: String, hashes: String) {
            self.eventID = eventID
            self.timestamp = timestamp
            self.title = title
            self.culprit = culprit
            self.hashes = hashes
        }
    }

    /// Writes the new title, culprit and hashes into the project's events.
    public func regroup(projectID: Int64, _ events: [Regrouped]) throws {
        try db.query("""
            UPDATE events e SET title = u.title,
                payload = e.payload || jsonb_build_object('hashes', u.hashes::jsonb, 'title', u.title, 'culprit', u.culprit)
            FROM unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) AS u(event_id, timestamp, title, culprit, hashes)
            WHERE e.project_id = $1 AND e.event_id = u.event_id AND e.timestamp = u.timestamp
            """, [projectID, PGArray(events.map(\.eventID)), PGArray(events.map(\.timestamp)),
                  PGArray(events.map(\.title)), PGArray(events.map(\.culprit)), PGArray(events.map(\.hashes))])
    }

    /// Moves each of the project's events (by id and timestamp) to the issue at the same index.
    public func move(projectID: Int64, eventIDs: [String], timestamps: [Date], to issueIDs: [Int64]) throws {
        try db.query("""
            UPDATE events e SET issue_id = u.issue_id
            FROM unnest($2::uuid[], $3::timestamptz[], $4::bigint[]) AS u(event_id, timestamp, issue_id)
            WHERE e.project_id = $1 AND e.event_id = u.event_id AND e.timestamp = u.timestamp
            """, [projectID, PGArray(eventIDs), PGArray(timestamps), PGArray(issueIDs)])
    }

    // MARK: Erasure

    /// What deleting an event takes away from the counters: its issue, time and release.
    public struct DeletedEvent: Sendable, Equatable {
        public let issueID: Int64
        public let timestamp: Date
        public let release: String?
    }

    /// Deletes the project's events (by id, a UUID's text, and timestamp) with their `event_ids` rows.
    public func delete(projectID: Int64, eventIDs: [String], timestamps: [Date]) throws -> [DeletedEvent] {
        guard !eventIDs.isEmpty else { return [] }
        return try db.query("""
            WITH doomed AS (SELECT * FROM unnest($2::uuid[], $3::timestamptz[]) AS u(event_id, timestamp)),
            gone AS (
                DELETE FROM events e USING doomed d
                WHERE e.project_id = $1 AND e.event_id = d.event_id AND e.timestamp = d.timestamp
                RETURNING e.event_id, e.issue_id, e.timestamp, e.release
            ), keys AS (
                -- Runs whether or not the query reads it, as every data-modifying WITH does.
                DELETE FROM event_ids k USING gone WHERE k.project_id = $1 AND k.event_id = gone.event_id
            )
            SELECT issue_id, timestamp, release FROM gone
            """, [projectID, PGArray(eventIDs), PGArray(timestamps)]).rows.map { row in
            DeletedEvent(issueID: try row.int("issue_id"), timestamp: try row.date("timestamp"),
                         release: try row.optionalString("release"))
        }
    }

    // MARK: Reads for the API

    static let columns = """
        e.project_id, replace(e.event_id::text, '-', '') AS event_id, e.issue_id, e.timestamp, e.received_at,
        e.platform, e.level, e.title, e.release, e.environment, e.trace_id, e.user_key, e.payload::text AS payload
        """

    /// An event of the projects by id (a normalized UUID). Two statements: `event_ids` gives the
    /// timestamp, which confines the second to one day partition (a join would probe every partition).
    public func event(projectIDs: [Int64], eventID id: String) throws -> StoredEvent? {
        guard let key = try db.query("SELECT project_id, timestamp FROM event_ids WHERE project_id = ANY($1::bigint[]) AND event_id = $2::uuid",
                                     [PGArray(projectIDs), id]).first else { return nil }
        return try db.query("""
            SELECT \(Self.columns) FROM events e WHERE e.project_id = $1 AND e.event_id = $2::uuid AND e.timestamp = $3
            """, [try key.int("project_id"), id, try key.date("timestamp")]).rows.first.map(StoredEvent.init)
    }

    /// The issue's newest (`newest`) or oldest event at `at` (PostgreSQL's exact text of a
    /// timestamp, so equality holds), which confines the read to one partition.
    public func event(issueID: Int64, at: String, newest: Bool) throws -> StoredEvent? {
        let order = newest ? "DESC" : "ASC"
        return try db.query("""
            SELECT \(Self.columns) FROM events e WHERE e.issue_id = $1 AND e.timestamp = $2::timestamptz ORDER BY e.event_id \(order) LIMIT 1
            """, [issueID, at]).rows.first.map(StoredEvent.init)
    }

    /// The issue's newest or oldest event, over all partitions.
    public func event(issueID: Int64, newest: Bool) throws -> StoredEvent? {
        let order = newest ? "DESC" : "ASC"
        return try db.query("""
            SELECT \(Self.columns) FROM events e WHERE e.issue_id = $1
            ORDER BY e.timestamp \(order), e.event_id \(order) LIMIT 1
            """, [issueID]).rows.first.map(StoredEvent.init)
    }

    /// A page of an issue's events, newest first (`limit` rows from `offset`).
    public func events(issueID: Int64, limit: Int, offset: Int) throws -> [StoredEvent] {
        try db.query("""
            SELECT \(Self.columns) FROM events e WHERE e.issue_id = $1
            ORDER BY e.timestamp DESC, e.event_id DESC LIMIT $2 OFFSET $3
            """, [issueID, limit, offset]).rows.map(StoredEvent.init)
    }

    /// A page of the project's events, newest first (`sentry-cli events list`).
    public func events(projectID: Int64, limit: Int, offset: Int) throws -> [StoredEvent] {
        try db.query("""
            SELECT \(Self.columns) FROM events e WHERE e.project_id = $1
            ORDER BY e.timestamp DESC, e.event_id DESC LIMIT $2 OFFSET $3
            """, [projectID, limit, offset]).rows.map(StoredEvent.init)
    }

    /// The ids of the events before and after one of its issue's (by timestamp, then id).
    public func neighbours(issueID: Int64, timestamp: Date, eventID: String) throws -> (previous: String?, next: String?) {
        let previous = try db.query("""
            SELECT replace(event_id::text, '-', '') AS id FROM events
            WHERE issue_id = $1 AND (timestamp, event_id) < ($2, $3::uuid) ORDER BY timestamp DESC, event_id DESC LIMIT 1
            """, [issueID, timestamp, eventID]).first.map { try $0.string("id") }
        let next = try db.query("""
            SELECT replace(event_id::text, '-', '') AS id FROM events
            WHERE issue_id = $1 AND (timestamp, event_id) > ($2, $3::uuid) ORDER BY timestamp ASC, event_id ASC LIMIT 1
            """, [issueID, timestamp, eventID]).first.map { try $0.string("id") }
        return (previous, next)
    }

    /// Every stored event of a trace in the projects, oldest first, at most `limit`.
    public func events(traceID: String, projectIDs: [Int64], limit: Int) throws -> [StoredEvent] {
        try db.query("""
            SELECT \(Self.columns) FROM events e
            WHERE e.trace_id = $1 AND e.project_id = ANY($2::bigint[])
            ORDER BY e.timestamp, e.event_id LIMIT $3
            """, [traceID, PGArray(projectIDs), limit]).rows.map(StoredEvent.init)
    }

    // MARK: Retention

    /// Drops the day partitions before `cutoff`'s day; returns their names.
    public func dropPartitions(before cutoff: Date) throws -> [String] {
        try db.query(
            "SELECT faultline_drop_event_partitions(($1::timestamptz AT TIME ZONE 'UTC')::date) AS name", [cutoff]
        ).rows.map { try $0.string("name") }
    }

    /// Deletes the default partition's events and the event ids before `cutoff`; returns how
    /// many events were deleted.
    public func deleteBefore(_ cutoff: Date) throws -> Int64 {
        let deleted = Int64(try db.query("DELETE FROM events_default WHERE timestamp < $1", [cutoff]).affected)
        try db.query("DELETE FROM event_ids WHERE timestamp < $1", [cutoff])
        return deleted
    }
}

// MARK: Aggregates for analysts

/// What the analyst aggregates group events by.
public enum EventDimension: Equatable, Hashable, Sendable {
    case project, issue, release, environment, level
    case tag(String)
}

extension EventRepository {
    /// Events, issues and distinct users in one time bucket and group.
    public struct Count: Sendable {
        public let bucket: Date
        /// The value of each `groupBy` dimension, in order, as text.
        public let groups: [String?]
        public let events: Int64
        public let issues: Int64
        public let users: Int64
    }

    /// Counts over the events of the projects in [`start`, `end`) (their day partitions only),
    /// bucketed by `interval` seconds and grouped by `groupBy`, at most `rowLimit` rows, under a
    /// 10 s statement timeout. `filter` adds a condition over alias `e` whose values it binds
    /// in the builder it is given.
    public func counts(projectIDs: [Int64], start: Date, end: Date, interval: TimeInterval, groupBy: [EventDimension],
                       rowLimit: Int, filter: (inout SQLBuilder) throws -> String?) throws -> [Count] {
        var builder = SQLBuilder()
        var conditions = [
            "e.project_id = ANY(\(builder.bind(PGArray(projectIDs)))::bigint[])",
            "e.timestamp >= \(builder.bind(start))", "e.timestamp < \(builder.bind(end))",
        ]
        if let filter = try filter(&builder) {
            conditions.append("(\(filter))")
        }
        let bucket = "to_timestamp(floor(extract(epoch FROM e.timestamp) / \(builder.bind(interval))) * \(builder.bind(interval)))"
        var groups = [bucket]
        for dimension in groupBy {
            switch dimension {
            case .project: groups.append("e.project_id")
            case .issue: groups.append("e.issue_id")
            case .release: groups.append("e.release")
            case .environment: groups.append("e.environment")
            case .level: groups.append("e.level")
            case .tag(let key): groups.append("e.payload->'tags'->>\(builder.bind(key))")
            }
        }
        let selected = groups.enumerated().map { "\($0.element) AS g\($0.offset)" }.joined(separator: ", ")
        let positions = groups.indices.map { String($0 + 1) }.joined(separator: ", ")
        let limit = builder.bind(rowLimit)
        return try db.transaction { tx in
            try tx.query("SET LOCAL statement_timeout = '10s'")
            return try tx.query("""
                SELECT \(selected), count(*) AS events, count(DISTINCT e.issue_id) AS issues, count(DISTINCT e.user_key) AS users
                FROM events e WHERE \(conditions.joined(separator: " AND "))
                GROUP BY \(positions) ORDER BY \(positions) LIMIT \(limit)
                """, builder.parameters).rows.map { row in
                Count(bucket: try row.date("g0"), groups: try groupBy.indices.map { try row.optionalString("g\($0 + 1)") },
                      events: try row.int("events"), issues: try row.int("issues"), users: try row.int("users"))
            }
        }
    }
}

/// A row of `events` as stored, its payload as text (the reader parses it).
public struct StoredEvent: Sendable {
    public let projectID: Int64
    /// 32 hex digits, or the UUID's text where the reader asked for it (reprocessing).
    public let eventID: String
    public let issueID: Int64
    public let timestamp: Date
    public let received: Date
    public let platform: String?
    public let level: String
    /// nil where the reader did not ask for it (reprocessing).
    public let title: String?
    public let release: String?
    public let environment: String?
    public let traceID: String?
    public let userKey: String?
    public let payload: String
}

extension StoredEvent {
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
        payload = try row.string("payload")
    }
}
