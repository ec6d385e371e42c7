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
        let issues = IssueRepository(db)
        let changedIDs: [Int64]
        switch change {
        case .resolved: changedIDs = try issues.resolve(ids: ids, projectIDs: projectIDs, resolution: nil, release: nil)
        case .resolvedInRelease(let version):
            changedIDs = try issues.resolve(ids: ids, projectIDs: projectIDs, resolution: "in_release", release: version)
        case .resolvedInNextRelease:
            changedIDs = try issues.resolve(ids: ids, projectIDs: projectIDs, resolution: "in_next_release", release: nil)
        case .unresolved: changedIDs = try issues.unresolve(ids: ids, projectIDs: projectIDs)
        case .ignored(let conditions):
            changedIDs = try issues.ignore(ids: ids, projectIDs: projectIDs, until: conditions.until, count: conditions.count,
                                           windowMinutes: conditions.windowMinutes, userCount: conditions.userCount,
                                           userWindowMinutes: conditions.userWindowMinutes, forever: conditions.isForever)
        }
        let (activity, data) = Self.activity(change)
        try issues.recordActivity(issueIDs: changedIDs, type: activity, data: data)
        return changedIDs
    }

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
