import Foundation
import Postgres

// The issue writes of a batch of new events (the processor's `EventWriter`, and reprocessing's
// hash resolution), inside the batch's transaction: part of `IssueRepository`.

/// A grouping hash of a project: what `issue_hashes` maps to an issue. Ordered by project,
/// then hash: the order every writer takes their locks in.
public struct IssueHash: Hashable, Comparable, Sendable {
    public let projectID: Int64
    public let hash: String

    public init(projectID: Int64, hash: String) {
        self.projectID = projectID
        self.hash = hash
    }

    public static func < (a: IssueHash, b: IssueHash) -> Bool { (a.projectID, a.hash) < (b.projectID, b.hash) }
}

extension IssueRepository {
    /// The issues the hashes already map to (hashes not mapped are left out).
    public func issueIDs(of hashes: [IssueHash]) throws -> [IssueHash: Int64] {
        guard !hashes.isEmpty else { return [:] }
        let rows = try db.query("""
            SELECT h.project_id, h.hash, h.issue_id FROM issue_hashes h
            JOIN unnest($1::bigint[], $2::text[]) AS k(project_id, hash) USING (project_id, hash)
            """, [PGArray(hashes.map(\.projectID)), PGArray(hashes.map(\.hash))])
        var found: [IssueHash: Int64] = [:]
        for row in rows.rows {
            found[IssueHash(projectID: try row.int("project_id"), hash: try row.string("hash"))] = try row.int("issue_id")
        }
        return found
    }

    /// Maps each hash to the issue at the same index, unless it is mapped already (give them in
    /// hash order).
    public func map(_ hashes: [IssueHash], to issueIDs: [Int64]) throws {
        try db.query("""
            INSERT INTO issue_hashes (project_id, hash, issue_id)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])
            ON CONFLICT (project_id, hash) DO NOTHING
            """, [PGArray(hashes.map(\.projectID)), PGArray(hashes.map(\.hash)), PGArray(issueIDs)])
    }

    /// Maps the hash to a new issue id; nil when another writer mapped it first (it committed
    /// while this one waited on the key).
    public func claim(_ hash: IssueHash) throws -> Int64? {
        let rows = try db.query("""
            INSERT INTO issue_hashes (project_id, hash, issue_id) VALUES ($1, $2, nextval('issues_id_seq'))
            ON CONFLICT (project_id, hash) DO NOTHING
            RETURNING issue_id
            """, [hash.projectID, hash.hash])
        return try rows.first?.int("issue_id")
    }

    /// An issue as its first event creates it (counters zero; the event is added after).
    public struct NewIssue: Sendable {
        public var id: Int64
        public var projectID: Int64
        public var shortID: Int64
        public var title: String
        public var culprit: String
        public var level: String
        public var platform: String
        public var type: String
        /// The metadata JSON object.
        public var metadata: String
        public var firstSeen: Date
        public var release: String?

        public init(id: Int64, projectID: Int64, shortID: Int64, title: String, culprit: String, level: String, platform: String,
                    type: String, metadata: String, firstSeen: Date, release: String?) {
            self.id = id
            self.projectID = projectID
            self.shortID = shortID
            self.title = title
            self.culprit = culprit
            self.level = level
            self.platform = platform
            self.type = type
            self.metadata = metadata
            self.firstSeen = firstSeen
            self.release = release
        }
    }

    public func insert(_ issue: NewIssue) throws {
        try db.query("""
            INSERT INTO issues (id, project_id, short_id, title, culprit, level, platform, type, metadata,
                                first_seen, last_seen, times_seen, user_count, first_release, last_release)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $10, 0, 0, $11, $11)
            """, [issue.id, issue.projectID, issue.shortID, issue.title, issue.culprit, issue.level,
                  issue.platform, issue.type, issue.metadata, issue.firstSeen, issue.release])
    }

    /// Adds the users (of the issue and project at the same index) not yet known; returns the
    /// issue of each user added.
    public func addUsers(projectIDs: [Int64], issueIDs: [Int64], userKeys: [String]) throws -> [Int64] {
        try db.query("""
            INSERT INTO issue_users (project_id, issue_id, user_key)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[])
            ON CONFLICT DO NOTHING
            RETURNING issue_id
            """, [PGArray(projectIDs), PGArray(issueIDs), PGArray(userKeys)]).rows.map { try $0.int("issue_id") }
    }

    /// Locks the issues' rows in id order (give `ids` sorted), so concurrent writers cannot deadlock.
    public func lockForUpdate(ids: [Int64]) throws {
        try db.query("SELECT id FROM issues WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE", [PGArray(ids)])
    }

    /// What a batch adds to one issue.
    public struct Counts: Sendable {
        public var issueID: Int64
        public var events: Int64
        public var newUsers: Int64
        public var first: Date
        public var last: Date
        /// The release and level of the batch's last event (the release: of its last event naming one).
        public var lastRelease: String?
        public var lastLevel: String

        public init(issueID: Int64, events: Int64, newUsers: Int64, first: Date, last: Date, lastRelease: String?, lastLevel: String) {
            self.issueID = issueID
            self.events = events
            self.newUsers = newUsers
            self.first = first
            self.last = last
            self.lastRelease = lastRelease
            self.lastLevel = lastLevel
        }
    }

    /// An issue's triage state and counters after `add(_:)`.
    public struct Counted: Sendable {
        public let id: Int64
        public let projectID: Int64
        public let status: String
        public let resolution: String?
        public let resolvedInRelease: String?
        public let ignoreUntil: Date?
        public let ignoreCount: Int64?
        public let ignoreWindowMinutes: Int64?
        public let ignoreUserCount: Int64?
        public let ignoreUserWindowMinutes: Int64?
        public let timesSeenBaseline: Int64?
        public let userCountBaseline: Int64?
        public let timesSeen: Int64
        public let userCount: Int64
    }

    /// Adds the counts to their issues (lock them first; give them in id order): counters
    /// saturate, first and last seen widen, the last event's release and level win, and a `new`
    /// issue becomes `ongoing` after seven days. Returns the issues that are not unresolved.
    public func add(_ counts: [Counts]) throws -> [Counted] {
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
                PGArray(counts.map(\.issueID)), PGArray(counts.map(\.events)), PGArray(counts.map(\.newUsers)),
                PGArray(counts.map(\.first)), PGArray(counts.map(\.last)),
                PGArray(counts.map(\.lastRelease)), PGArray(counts.map(\.lastLevel)),
            ])
        var result: [Counted] = []
        for row in updated.rows where try row.string("status") != "unresolved" {
            result.append(Counted(
                id: try row.int("id"), projectID: try row.int("project_id"), status: try row.string("status"),
                resolution: try row.optionalString("resolution"), resolvedInRelease: try row.optionalString("resolved_in_release"),
                ignoreUntil: try row.optionalDate("ignore_until"), ignoreCount: try row.optionalInt("ignore_count"),
                ignoreWindowMinutes: try row.optionalInt("ignore_window_minutes"),
                ignoreUserCount: try row.optionalInt("ignore_user_count"),
                ignoreUserWindowMinutes: try row.optionalInt("ignore_user_window_minutes"),
                timesSeenBaseline: try row.optionalInt("ignore_times_seen_baseline"),
                userCountBaseline: try row.optionalInt("ignore_user_count_baseline"),
                timesSeen: try row.int("times_seen"), userCount: try row.int("user_count")))
        }
        return result
    }

    /// Makes the issue unresolved again with `substatus` (`regressed`, `escalating`), shedding
    /// its resolution and ignore conditions.
    public func reopen(issueID: Int64, substatus: String) throws {
        try db.query("""
            UPDATE issues SET status = 'unresolved', substatus = $2, \(Self.clearedColumns)
            WHERE id = $1
            """, [issueID, substatus])
    }
}
