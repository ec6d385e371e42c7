import Foundation
import Postgres
import Store

/// Writes a batch's events into `events`, `issues`, `issue_hashes` and `issue_users`, inside the
/// caller's transaction. Locks are taken in a fixed order (hashes sorted, then project counters,
/// then issues by id) so concurrent processors cannot deadlock on shared issues.
public struct EventWriter {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public struct Result: Sendable, Equatable {
        public var inserted = 0
        public var duplicates = 0
        public var newIssues = 0
    }

    struct HashKey: Hashable, Comparable {
        let projectID: Int64
        let hash: String
        static func < (a: HashKey, b: HashKey) -> Bool { (a.projectID, a.hash) < (b.projectID, b.hash) }
    }

    public func write(_ events: [ProcessedEvent]) throws -> Result {
        var result = Result()
        // An SDK retry can put the same event twice in one batch: keep the first.
        var seen = Set<String>()
        let unique = events.filter { seen.insert("\($0.projectID):\($0.eventID)").inserted }
        result.duplicates += events.count - unique.count
        guard !unique.isEmpty else { return result }

        try ProjectLock.shared(Set(unique.map(\.projectID)), db)
        let issueIDs = try resolveIssues(unique, result: &result)
        let inserted = try insertEvents(unique, issueIDs: issueIDs)
        result.inserted = inserted.count
        result.duplicates += unique.count - inserted.count
        try updateIssues(inserted, issueIDs: issueIDs)
        try RollupWriter(db: db).write(inserted)
        return result
    }

    /// Maps each primary hash to an issue: the issue of the first of the event's hashes (primary,
    /// then the other variants') already known, else a new issue. Every hash of the event then
    /// points at that issue, as Sentry associates all of an event's hashes with its group.
    func resolveIssues(_ events: [ProcessedEvent], result: inout Result) throws -> [HashKey: Int64] {
        var firstEvent: [HashKey: ProcessedEvent] = [:]
        var otherHashes: [HashKey: [HashKey]] = [:]
        for event in events {
            let key = HashKey(projectID: event.projectID, hash: event.grouping.hashes[0])
            for hash in event.grouping.hashes.dropFirst() where hash != key.hash {
                let other = HashKey(projectID: event.projectID, hash: hash)
                if !(otherHashes[key]?.contains(other) ?? false) { otherHashes[key, default: []].append(other) }
            }
            if let known = firstEvent[key], known.timestamp <= event.timestamp { continue }
            firstEvent[key] = event
        }
        let keys = firstEvent.keys.sorted()
        let known = try lookupHashes(Array(Set(keys + otherHashes.values.joined())).sorted())
        var issueIDs: [HashKey: Int64] = [:]
        for key in keys {
            if let id = ([key] + (otherHashes[key] ?? [])).lazy.compactMap({ known[$0] }).first { issueIDs[key] = id }
        }
        try createIssues(for: keys.filter { issueIDs[$0] == nil }, firstEvent: firstEvent, issueIDs: &issueIDs, result: &result)

        // The other hashes (and primaries found through them) in key order after the new primaries (a crossing order with another
        // processor is a deadlock PostgreSQL breaks, and the batch is retried).
        let unmapped = keys.flatMap { key in ([key] + (otherHashes[key] ?? [])).filter { known[$0] == nil }.map { ($0, key) } }
            .sorted { $0.0 < $1.0 }
        if !unmapped.isEmpty {
            try db.query("""
                INSERT INTO issue_hashes (project_id, hash, issue_id)
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])
                ON CONFLICT (project_id, hash) DO NOTHING
                """, [PGArray(unmapped.map(\.0.projectID)), PGArray(unmapped.map(\.0.hash)),
                      PGArray(unmapped.map { issueIDs[$0.1]! })])
        }
        return issueIDs
    }

    /// Creates an issue for each primary hash never seen (unless another processor just did).
    private func createIssues(for keys: [HashKey], firstEvent: [HashKey: ProcessedEvent], issueIDs: inout [HashKey: Int64],
                              result: inout Result) throws {
        var created: [(HashKey, Int64)] = []
        for key in keys {
            let rows = try db.query("""
                INSERT INTO issue_hashes (project_id, hash, issue_id) VALUES ($1, $2, nextval('issues_id_seq'))
                ON CONFLICT (project_id, hash) DO NOTHING
                RETURNING issue_id
                """, [key.projectID, key.hash])
            if let id = try rows.first?.int("issue_id") {
                issueIDs[key] = id
                created.append((key, id))
            } else {
                // Another processor created it and committed while we waited on its key.
                issueIDs.merge(try lookupHashes([key]), uniquingKeysWith: { $1 })
            }
        }
        guard !created.isEmpty else { return }
        result.newIssues = created.count

        // Short ids are taken after all hash locks, per project in id order.
        let perProject = Dictionary(grouping: created, by: { $0.0.projectID })
        for projectID in perProject.keys.sorted() {
            let issues = perProject[projectID]!
            let rows = try db.query("UPDATE projects SET next_short_id = next_short_id + $2 WHERE id = $1 RETURNING next_short_id",
                                    [projectID, issues.count])
            guard let last = try rows.first?.int("next_short_id") else {
                throw PGError(.query, "project \(projectID) does not exist")
            }
            var shortID = last - Int64(issues.count)
            for (key, issueID) in issues {
                shortID += 1
                let event = firstEvent[key]!
                let metadata = try JSONSerialization.data(withJSONObject: [
                    "type": event.grouping.metadataType, "value": event.grouping.metadataValue,
                    "title": event.grouping.title,
                ].compactMapValues { $0 })
                try db.query("""
                    INSERT INTO issues (id, project_id, short_id, title, culprit, level, platform, type, metadata,
                                        first_seen, last_seen, times_seen, user_count, first_release, last_release)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $10, 0, 0, $11, $11)
                    """, [issueID, projectID, shortID, event.grouping.title, event.grouping.culprit, event.level,
                          event.platform, event.grouping.type, String(decoding: metadata, as: UTF8.self),
                          event.timestamp, event.release])
            }
        }
    }

    private func lookupHashes(_ keys: [HashKey]) throws -> [HashKey: Int64] {
        guard !keys.isEmpty else { return [:] }
        let rows = try db.query("""
            SELECT h.project_id, h.hash, h.issue_id FROM issue_hashes h
            JOIN unnest($1::bigint[], $2::text[]) AS k(project_id, hash) USING (project_id, hash)
            """, [PGArray(keys.map(\.projectID)), PGArray(keys.map(\.hash))])
        var found: [HashKey: Int64] = [:]
        for row in rows.rows {
            found[HashKey(projectID: try row.int("project_id"), hash: try row.string("hash"))] = try row.int("issue_id")
        }
        return found
    }

    /// Inserts events; returns those that were new (not already stored).
    private func insertEvents(_ events: [ProcessedEvent], issueIDs: [HashKey: Int64]) throws -> [(ProcessedEvent, Int64)] {
        let sorted = events.sorted { ($0.projectID, $0.eventID) < ($1.projectID, $1.eventID) }
        let issues = sorted.map { issueIDs[HashKey(projectID: $0.projectID, hash: $0.grouping.hashes[0])]! }
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
                PGArray(sorted.map(\.projectID)), PGArray(sorted.map(\.eventID)), PGArray(issues),
                PGArray(sorted.map(\.timestamp)), PGArray(sorted.map(\.received)), PGArray(sorted.map(\.platform)),
                PGArray(sorted.map(\.level)), PGArray(sorted.map(\.grouping.title)), PGArray(sorted.map(\.release)),
                PGArray(sorted.map(\.environment)), PGArray(sorted.map(\.traceID)), PGArray(sorted.map(\.userKey)),
                PGArray(sorted.map(\.payload)),
            ])
        var insertedKeys = Set<String>()
        for row in rows.rows { insertedKeys.insert("\(try row.int("project_id")):\(try row.string("event_id"))") }
        return zip(sorted, issues).filter { insertedKeys.contains("\($0.0.projectID):\($0.0.eventID)") }
    }

    /// Adds the new events to their issues' counters, users and last-seen fields.
    private func updateIssues(_ inserted: [(ProcessedEvent, Int64)], issueIDs: [HashKey: Int64]) throws {
        guard !inserted.isEmpty else { return }
        struct Aggregate {
            var count: Int64 = 0
            var first: Date = .distantFuture
            var last: Date = .distantPast
            var lastRelease: String?
            var lastLevel = "error"
            var users = Set<String>()
        }
        var aggregates: [Int64: Aggregate] = [:]
        for (event, issueID) in inserted {
            var aggregate = aggregates[issueID, default: Aggregate()]
            aggregate.count += 1
            aggregate.first = min(aggregate.first, event.timestamp)
            if event.timestamp >= aggregate.last {
                aggregate.last = event.timestamp
                aggregate.lastRelease = event.release ?? aggregate.lastRelease
                aggregate.lastLevel = event.level
            }
            if let user = event.userKey { aggregate.users.insert(user) }
            aggregates[issueID] = aggregate
        }
        let ids = aggregates.keys.sorted()

        var newUsers: [Int64: Int64] = [:]
        let userPairs = ids.flatMap { id in aggregates[id]!.users.sorted().map { (id, $0) } }
        if !userPairs.isEmpty {
            let rows = try db.query("""
                INSERT INTO issue_users (issue_id, user_key)
                SELECT * FROM unnest($1::bigint[], $2::text[])
                ON CONFLICT DO NOTHING
                RETURNING issue_id
                """, [PGArray(userPairs.map(\.0)), PGArray(userPairs.map(\.1))])
            for row in rows.rows { newUsers[try row.int("issue_id"), default: 0] += 1 }
        }

        try db.query("SELECT id FROM issues WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE", [PGArray(ids)])
        let updated = try db.query("""
            UPDATE issues i SET
                -- Counters saturate at bigint's maximum instead of failing the batch on overflow.
                times_seen = LEAST(i.times_seen::numeric + u.n, 9223372036854775807)::bigint,
                user_count = LEAST(i.user_count::numeric + u.users, 9223372036854775807)::bigint,
                first_seen = LEAST(i.first_seen, u.first),
                last_seen = GREATEST(i.last_seen, u.last),
                last_release = CASE WHEN u.last >= i.last_seen THEN COALESCE(u.release, i.last_release) ELSE i.last_release END,
                level = CASE WHEN u.last >= i.last_seen THEN u.level ELSE i.level END,
                -- Sentry calls an issue "new" for its first seven days, then "ongoing".
                substatus = CASE WHEN i.status = 'unresolved' AND i.substatus = 'new'
                                  AND i.first_seen < GREATEST(i.last_seen, u.last) - interval '7 days'
                                 THEN 'ongoing' ELSE i.substatus END
            FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[])
                AS u(id, n, users, first, last, release, level)
            WHERE i.id = u.id
            RETURNING i.id, i.status, i.resolution, i.resolved_in_release, i.ignore_until, i.ignore_count,
                      i.ignore_window_minutes, i.ignore_user_count, i.ignore_user_window_minutes,
                      i.ignore_times_seen_baseline, i.ignore_user_count_baseline, i.times_seen, i.user_count, i.project_id
            """, [
                PGArray(ids), PGArray(ids.map { aggregates[$0]!.count }), PGArray(ids.map { newUsers[$0] ?? 0 }),
                PGArray(ids.map { aggregates[$0]!.first }), PGArray(ids.map { aggregates[$0]!.last }),
                PGArray(ids.map { aggregates[$0]!.lastRelease }), PGArray(ids.map { aggregates[$0]!.lastLevel }),
            ])
        let releasesByIssue = Dictionary(grouping: inserted, by: \.1).mapValues { $0.map(\.0.release) }
        for row in updated.rows where try row.string("status") != "unresolved" {
            let id = try row.int("id")
            let state = IssueLifecycle.State(
                status: try row.string("status"), resolution: try row.optionalString("resolution"),
                resolvedInRelease: try row.optionalString("resolved_in_release"), ignoreUntil: try row.optionalDate("ignore_until"),
                ignoreCount: try row.optionalInt("ignore_count"), ignoreWindowMinutes: try row.optionalInt("ignore_window_minutes"),
                ignoreUserCount: try row.optionalInt("ignore_user_count"),
                ignoreUserWindowMinutes: try row.optionalInt("ignore_user_window_minutes"),
                timesSeenBaseline: try row.optionalInt("ignore_times_seen_baseline"),
                userCountBaseline: try row.optionalInt("ignore_user_count_baseline"),
                timesSeen: try row.int("times_seen"), userCount: try row.int("user_count"))
            let releases = releasesByIssue[id] ?? []
            let firstSeen = try releaseFirstSeen(projectID: try row.int("project_id"),
                                                 versions: releases.compactMap { $0 } + [state.resolvedInRelease].compactMap { $0 })
            var windowError: (any Error)?
            let transition = IssueLifecycle.transition(
                state, releases: releases, now: Date(),
                isNewer: { ReleaseOrder.isNewer($0, than: $1, firstSeen: firstSeen) },
                windows: {
                    do { return try windowCounts(issueID: id, state: state) } catch {
                        windowError = error
                        return IssueLifecycle.WindowCounts(events: 0, users: 0)
                    }
                })
            if let windowError { throw windowError }
            if let transition { try apply(transition, issueID: id) }
        }
    }

    /// When each release was first seen in the project's organization.
    private func releaseFirstSeen(projectID: Int64, versions: [String]) throws -> [String: Date] {
        guard !versions.isEmpty else { return [:] }
        let rows = try db.query("""
            SELECT r.version, r.created_at FROM releases r JOIN projects p ON p.organization_id = r.organization_id
            WHERE p.id = $1 AND r.version = ANY($2::text[])
            """, [projectID, PGArray(versions)])
        var found: [String: Date] = [:]
        for row in rows.rows { found[try row.string("version")] = try row.date("created_at") }
        return found
    }

    private func windowCounts(issueID: Int64, state: IssueLifecycle.State) throws -> IssueLifecycle.WindowCounts {
        let eventMinutes = state.ignoreWindowMinutes ?? 0
        let userMinutes = state.ignoreUserWindowMinutes ?? 0
        let row = try db.query("""
            SELECT count(*) FILTER (WHERE timestamp > now() - make_interval(mins => $2::int)) AS events,
                   count(DISTINCT user_key) FILTER (WHERE timestamp > now() - make_interval(mins => $3::int)) AS users
            FROM events WHERE issue_id = $1 AND timestamp > now() - make_interval(mins => GREATEST($2::int, $3::int))
            """, [issueID, eventMinutes, userMinutes]).first
        return IssueLifecycle.WindowCounts(events: try row?.int("events") ?? 0, users: try row?.int("users") ?? 0)
    }

    private func apply(_ transition: IssueLifecycle.Transition, issueID: Int64) throws {
        let (substatus, activity, data): (String, String, [String: String]) = switch transition {
        case .regressed(let release): ("regressed", "set_regression", release.map { ["version": $0] } ?? [:])
        case .escalated(let reason): ("escalating", "set_escalating", ["reason": reason])
        }
        try db.query("""
            UPDATE issues SET status = 'unresolved', substatus = $2, \(IssueRepository.clearedColumns)
            WHERE id = $1
            """, [issueID, substatus])
        let json = try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys])
        try IssueRepository(db).recordActivity(issueIDs: [issueID], type: activity, data: String(decoding: json, as: UTF8.self))
    }
}
