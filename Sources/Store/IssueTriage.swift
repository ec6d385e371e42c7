import Foundation
import EventModel
import Postgres

/// Status changes people make to issues (resolve, ignore, unresolve), each recorded as an
/// activity. The processor undoes them on new events as `IssueLifecycle` says.
public struct IssueTriage {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// Sentry's "ignore until": a date, N more events (optionally within a window), N more users.
    public struct IgnoreConditions: Sendable, Equatable {
        public var until: Date?
        public var count: Int64?
        public var windowMinutes: Int64?
        public var userCount: Int64?
        public var userWindowMinutes: Int64?

        public init(until: Date? = nil, count: Int64? = nil, windowMinutes: Int64? = nil, userCount: Int64? = nil,
                    userWindowMinutes: Int64? = nil) {
            self.until = until
            self.count = count
            self.windowMinutes = windowMinutes
            self.userCount = userCount
            self.userWindowMinutes = userWindowMinutes
        }

        var isForever: Bool { until == nil && count == nil && userCount == nil }
    }

    public enum StatusChange: Sendable, Equatable {
        case resolved
        case resolvedInRelease(String)
        /// Resolved in the release after the project's latest one.
        case resolvedInNextRelease
        case unresolved
        case ignored(IgnoreConditions)
    }

    /// Applies the change to the issues of `projectIDs` among `issueIDs`; returns the ids changed.
    @discardableResult
    public func setStatus(_ change: StatusChange, issueIDs: [Int64], projectIDs: [Int64]) throws -> [Int64] {
        let ids = issueIDs.sorted()
        let projects = PGArray(projectIDs)
        let changed: PGRows
        switch change {
        case .resolved, .resolvedInRelease, .resolvedInNextRelease:
            let (resolution, release): (String?, String?) = switch change {
            case .resolvedInRelease(let version): ("in_release", version)
            case .resolvedInNextRelease: ("in_next_release", nil)
            default: (nil, nil)
            }
            changed = try db.query("""
                UPDATE issues i SET status = 'resolved', substatus = '', resolved_at = now(),
                    resolution = CASE WHEN $3::text = 'in_next_release' AND latest.version IS NULL THEN NULL ELSE $3::text END,
                    resolved_in_release = CASE WHEN $3::text = 'in_next_release' THEN latest.version ELSE $4::text END
                FROM issues base LEFT JOIN LATERAL (
                    SELECT r.version FROM releases r JOIN release_projects rp ON rp.release_id = r.id
                    WHERE rp.project_id = base.project_id ORDER BY r.created_at DESC, r.id DESC LIMIT 1
                ) latest ON true
                WHERE base.id = i.id AND i.id = ANY($1::bigint[]) AND i.project_id = ANY($2::bigint[])
                RETURNING i.id, i.resolution, i.resolved_in_release
                """, [PGArray(ids), projects, resolution, release])
        case .unresolved:
            changed = try db.query("""
                UPDATE issues SET status = 'unresolved', substatus = 'ongoing', \(Self.clearedColumns)
                WHERE id = ANY($1::bigint[]) AND project_id = ANY($2::bigint[])
                RETURNING id
                """, [PGArray(ids), projects])
        case .ignored(let conditions):
            changed = try db.query("""
                UPDATE issues SET status = 'ignored', resolved_at = NULL, resolution = NULL, resolved_in_release = NULL,
                    substatus = CASE WHEN $8 THEN 'archived_forever' ELSE 'archived_until_condition_met' END,
                    ignored_at = now(), ignore_until = $3, ignore_count = $4, ignore_window_minutes = $5,
                    ignore_user_count = $6, ignore_user_window_minutes = $7,
                    ignore_times_seen_baseline = times_seen, ignore_user_count_baseline = user_count
                WHERE id = ANY($1::bigint[]) AND project_id = ANY($2::bigint[])
                RETURNING id
                """, [PGArray(ids), projects, conditions.until, conditions.count, conditions.windowMinutes,
                      conditions.userCount, conditions.userWindowMinutes, conditions.isForever])
        }
        let changedIDs = try changed.rows.map { try $0.int("id") }
        let (activity, data) = Self.activity(change)
        if !changedIDs.isEmpty {
            try db.query("""
                INSERT INTO issue_activities (issue_id, type, data)
                SELECT id, $2, $3::jsonb FROM unnest($1::bigint[]) AS id
                """, [PGArray(changedIDs), activity, data])
        }
        return changedIDs
    }

    static let clearedColumns = """
        resolved_at = NULL, resolution = NULL, resolved_in_release = NULL, ignored_at = NULL, ignore_until = NULL,
        ignore_count = NULL, ignore_window_minutes = NULL, ignore_user_count = NULL, ignore_user_window_minutes = NULL,
        ignore_times_seen_baseline = NULL, ignore_user_count_baseline = NULL
        """

    static func activity(_ change: StatusChange) -> (String, String) {
        switch change {
        case .resolved: return ("set_resolved", "{}")
        case .resolvedInRelease(let version):
            let data = try? JSONSerialization.data(withJSONObject: ["version": version])
            return ("set_resolved_in_release", data.map { String(decoding: $0, as: UTF8.self) } ?? "{}")
        case .resolvedInNextRelease: return ("set_resolved_in_release", #"{"inNextRelease": true}"#)
        case .unresolved: return ("set_unresolved", "{}")
        case .ignored(let conditions):
            var data: [String: Any] = [:]
            if let until = conditions.until { data["ignoreUntil"] = Timestamp.format(until) }
            if let count = conditions.count { data["ignoreCount"] = count }
            if let window = conditions.windowMinutes { data["ignoreWindow"] = window }
            if let users = conditions.userCount { data["ignoreUserCount"] = users }
            if let window = conditions.userWindowMinutes { data["ignoreUserWindow"] = window }
            let json = try? JSONSerialization.data(withJSONObject: data, options: [.sortedKeys])
            return ("set_ignored", json.map { String(decoding: $0, as: UTF8.self) } ?? "{}")
        }
    }
}
