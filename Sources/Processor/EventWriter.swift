import Foundation
import Postgres
import Store

/// Writes a batch's events into `events`, `issues`, `issue_hashes` and `issue_users`, inside the
/// caller's transaction, through the repositories that own them. Locks are taken in a fixed
/// order (hashes sorted, then project counters, then issues by id) so concurrent processors
/// cannot deadlock on shared issues.
public struct EventWriter {
    let db: PGConnection
    let issues: IssueRepository

    public init(_ db: PGConnection) {
        self.db = db
        issues = IssueRepository(db)
    }

    public struct Result: Sendable, Equatable {
        public var inserted = 0
        public var duplicates = 0
        public var newIssues = 0
        /// Events of end users erased from their organization, dropped.
        public var erased = 0
    }

    typealias HashKey = IssueHash

    public func write(_ events: [ProcessedEvent]) throws -> Result {
        var result = Result()
        // An SDK retry can put the same event twice in one batch: keep the first.
        var seen = Set<String>()
        var unique = events.filter { seen.insert("\($0.projectID):\($0.eventID)").inserted }
        result.duplicates += events.count - unique.count
        guard !unique.isEmpty else { return result }

        try ProjectLock.shared(Set(unique.map(\.projectID)), db)
        // After the locks: an erasure's tombstone committed before its scan of a project, so a
        // batch either sees it here or commits before the scan starts (`UserErasure`).
        unique = try withoutErased(unique, result: &result)
        guard !unique.isEmpty else { return result }
        var changes = AlertFiring.Changes()
        let issueIDs = try resolveIssues(unique, result: &result, changes: &changes)
        let inserted = try insertEvents(unique, issueIDs: issueIDs)
        result.inserted = inserted.count
        result.duplicates += unique.count - inserted.count
        try updateIssues(inserted, issueIDs: issueIDs, changes: &changes)
        try RollupWriter(db: db).write(inserted)
        try AlertFiring(db: db).fire(inserted: inserted, changes: changes)
        return result
    }

    private func withoutErased(_ events: [ProcessedEvent], result: inout Result) throws -> [ProcessedEvent] {
        let tombstones = try ErasureRepository(db).tombstones(projectIDs: Set(events.map(\.projectID)).sorted())
        guard !tombstones.isEmpty else { return events }
        let kept = events.filter { event in
            guard let erased = tombstones[event.projectID], !event.identities.isEmpty else { return true }
            return erased.isDisjoint(with: event.identities.hashes)
        }
        result.erased = events.count - kept.count
        return kept
    }

    /// Maps each primary hash to an issue: the issue of the first of the event's hashes (primary,
    /// then the other variants') already known, else a new issue. Every hash of the event then
    /// points at that issue, as Sentry associates all of an event's hashes with its group.
    func resolveIssues(_ events: [ProcessedEvent], result: inout Result, changes: inout AlertFiring.Changes) throws -> [HashKey: Int64] {
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
        let known = try issues.issueIDs(of: Array(Set(keys + otherHashes.values.joined())).sorted())
        var issueIDs: [HashKey: Int64] = [:]
        for key in keys {
            if let id = ([key] + (otherHashes[key] ?? [])).lazy.compactMap({ known[$0] }).first { issueIDs[key] = id }
        }
        try createIssues(for: keys.filter { issueIDs[$0] == nil }, firstEvent: firstEvent, issueIDs: &issueIDs, result: &result,
                         changes: &changes)

        // The other hashes (and primaries found through them) in key order after the new primaries (a crossing order with another
        // processor is a deadlock PostgreSQL breaks, and the batch is retried).
        let unmapped = keys.flatMap { key in ([key] + (otherHashes[key] ?? [])).filter { known[$0] == nil }.map { ($0, key) } }
            .sorted { $0.0 < $1.0 }
        if !unmapped.isEmpty {
            try issues.map(unmapped.map(\.0), to: unmapped.map { issueIDs[$0.1]! })
        }
        return issueIDs
    }

    /// Creates an issue for each primary hash never seen (unless another processor just did).
    private func createIssues(for keys: [HashKey], firstEvent: [HashKey: ProcessedEvent], issueIDs: inout [HashKey: Int64],
                              result: inout Result, changes: inout AlertFiring.Changes) throws {
        var created: [(HashKey, Int64)] = []
        for key in keys {
            if let id = try issues.claim(key) {
                issueIDs[key] = id
                created.append((key, id))
            } else {
                // Another processor created it and committed while we waited on its key.
                issueIDs.merge(try issues.issueIDs(of: [key]), uniquingKeysWith: { $1 })
            }
        }
        guard !created.isEmpty else { return }
        result.newIssues = created.count
        changes.created.formUnion(created.map(\.1))

        // Short ids are taken after all hash locks, per project in id order.
        let perProject = Dictionary(grouping: created, by: { $0.0.projectID })
        for projectID in perProject.keys.sorted() {
            let created = perProject[projectID]!
            guard let last = try AdminStore(db).reserveShortIDs(projectID: projectID, count: created.count) else {
                throw PGError(.query, "project \(projectID) does not exist")
            }
            var shortID = last - Int64(created.count)
            for (key, issueID) in created {
                shortID += 1
                let event = firstEvent[key]!
                let metadata = try JSONSerialization.data(withJSONObject: [
                    "type": event.grouping.metadataType, "value": event.grouping.metadataValue,
                    "title": event.grouping.title,
                ].compactMapValues { $0 })
                try issues.insert(IssueRepository.NewIssue(
                    id: issueID, projectID: projectID, shortID: shortID, title: event.grouping.title,
                    culprit: event.grouping.culprit, level: event.level, platform: event.platform, type: event.grouping.type,
                    metadata: String(decoding: metadata, as: UTF8.self), firstSeen: event.timestamp, release: event.release))
            }
        }
    }

    /// Inserts events; returns those that were new (not already stored).
    private func insertEvents(_ events: [ProcessedEvent], issueIDs: [HashKey: Int64]) throws -> [(ProcessedEvent, Int64)] {
        let sorted = events.sorted { ($0.projectID, $0.eventID) < ($1.projectID, $1.eventID) }
        let targets = sorted.map { issueIDs[HashKey(projectID: $0.projectID, hash: $0.grouping.hashes[0])]! }
        let rows = try EventRepository(db).insertNew(zip(sorted, targets).map { event, issueID in
            EventRepository.NewEvent(
                projectID: event.projectID, eventID: event.eventID, issueID: issueID, timestamp: event.timestamp,
                received: event.received, platform: event.platform, level: event.level, title: event.grouping.title,
                release: event.release, environment: event.environment, traceID: event.traceID, userKey: event.userKey,
                payload: event.payload)
        })
        var insertedKeys = Set<String>()
        for row in rows { insertedKeys.insert("\(row.projectID):\(row.eventID)") }
        return zip(sorted, targets).filter { insertedKeys.contains("\($0.0.projectID):\($0.0.eventID)") }
    }

    /// Adds the new events to their issues' counters, users and last-seen fields.
    private func updateIssues(_ inserted: [(ProcessedEvent, Int64)], issueIDs: [HashKey: Int64], changes: inout AlertFiring.Changes) throws {
        guard !inserted.isEmpty else { return }
        struct Aggregate {
            var count: Int64 = 0
            var first: Date = .distantFuture
            var last: Date = .distantPast
            var lastRelease: String?
            var lastLevel = "error"
            var users = Set<String>()
            var projectID: Int64 = 0
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
            aggregate.projectID = event.projectID
            aggregates[issueID] = aggregate
        }
        let ids = aggregates.keys.sorted()

        var newUsers: [Int64: Int64] = [:]
        let userPairs = ids.flatMap { id in aggregates[id]!.users.sorted().map { (id, $0) } }
        if !userPairs.isEmpty {
            for issueID in try issues.addUsers(projectIDs: userPairs.map { aggregates[$0.0]!.projectID },
                                               issueIDs: userPairs.map(\.0), userKeys: userPairs.map(\.1)) {
                newUsers[issueID, default: 0] += 1
            }
        }

        try issues.lockForUpdate(ids: ids)
        let counted = try issues.add(ids.map { id in
            let aggregate = aggregates[id]!
            return IssueRepository.Counts(issueID: id, events: aggregate.count, newUsers: newUsers[id] ?? 0, first: aggregate.first,
                                          last: aggregate.last, lastRelease: aggregate.lastRelease, lastLevel: aggregate.lastLevel)
        })
        let releasesByIssue = Dictionary(grouping: inserted, by: \.1).mapValues { $0.map(\.0.release) }
        for issue in counted {
            let id = issue.id
            let state = IssueLifecycle.State(
                status: issue.status, resolution: issue.resolution, resolvedInRelease: issue.resolvedInRelease,
                ignoreUntil: issue.ignoreUntil, ignoreCount: issue.ignoreCount, ignoreWindowMinutes: issue.ignoreWindowMinutes,
                ignoreUserCount: issue.ignoreUserCount, ignoreUserWindowMinutes: issue.ignoreUserWindowMinutes,
                timesSeenBaseline: issue.timesSeenBaseline, userCountBaseline: issue.userCountBaseline,
                timesSeen: issue.timesSeen, userCount: issue.userCount)
            let releases = releasesByIssue[id] ?? []
            let firstSeen = try ReleaseRepository(db).firstSeen(
                projectID: issue.projectID, versions: releases.compactMap { $0 } + [state.resolvedInRelease].compactMap { $0 })
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
            if let transition {
                try apply(transition, issueID: id)
                switch transition {
                case .regressed: changes.regressed.insert(id)
                case .escalated: changes.escalated.insert(id)
                }
            }
        }
    }

    private func windowCounts(issueID: Int64, state: IssueLifecycle.State) throws -> IssueLifecycle.WindowCounts {
        let eventMinutes = state.ignoreWindowMinutes ?? 0
        let userMinutes = state.ignoreUserWindowMinutes ?? 0
        let counts = try EventRepository(db).windowCounts(issueID: issueID, eventMinutes: eventMinutes, userMinutes: userMinutes)
        return IssueLifecycle.WindowCounts(events: counts.events, users: counts.users)
    }

    private func apply(_ transition: IssueLifecycle.Transition, issueID: Int64) throws {
        let (substatus, activity, data): (String, String, [String: String]) = switch transition {
        case .regressed(let release): ("regressed", "set_regression", release.map { ["version": $0] } ?? [:])
        case .escalated(let reason): ("escalating", "set_escalating", ["reason": reason])
        }
        try issues.reopen(issueID: issueID, substatus: substatus)
        let json = try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys])
        try issues.recordActivity(issueIDs: [issueID], type: activity, data: String(decoding: json, as: UTF8.self))
    }
}
