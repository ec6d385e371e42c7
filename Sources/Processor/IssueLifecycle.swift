import Foundation
import EventModel

/// What new events do to a resolved or ignored issue. Pure: the writer reads the issue's state
/// (after adding the batch's counts) and applies the transition this returns.
public enum IssueLifecycle {
    public struct State: Sendable, Equatable {
        public var status: String
        public var resolution: String?
        public var resolvedInRelease: String?
        public var ignoreUntil: Date?
        public var ignoreCount: Int64?
        public var ignoreWindowMinutes: Int64?
        public var ignoreUserCount: Int64?
        public var ignoreUserWindowMinutes: Int64?
        public var timesSeenBaseline: Int64?
        public var userCountBaseline: Int64?
        /// Counters including the batch's events.
        public var timesSeen: Int64
        public var userCount: Int64

        public init(status: String, resolution: String? = nil, resolvedInRelease: String? = nil, ignoreUntil: Date? = nil,
                    ignoreCount: Int64? = nil, ignoreWindowMinutes: Int64? = nil, ignoreUserCount: Int64? = nil,
                    ignoreUserWindowMinutes: Int64? = nil, timesSeenBaseline: Int64? = nil, userCountBaseline: Int64? = nil,
                    timesSeen: Int64 = 0, userCount: Int64 = 0) {
            self.status = status
            self.resolution = resolution
            self.resolvedInRelease = resolvedInRelease
            self.ignoreUntil = ignoreUntil
            self.ignoreCount = ignoreCount
            self.ignoreWindowMinutes = ignoreWindowMinutes
            self.ignoreUserCount = ignoreUserCount
            self.ignoreUserWindowMinutes = ignoreUserWindowMinutes
            self.timesSeenBaseline = timesSeenBaseline
            self.userCountBaseline = userCountBaseline
            self.timesSeen = timesSeen
            self.userCount = userCount
        }
    }

    public enum Transition: Sendable, Equatable {
        /// A resolved issue seen again: unresolved, substatus `regressed`.
        case regressed(release: String?)
        /// An ignore condition was met: unresolved, substatus `escalating`.
        case escalated(reason: String)
    }

    /// Counts over the ignore windows, which only the database can give; asked only when an
    /// ignore condition has a window.
    public struct WindowCounts: Sendable, Equatable {
        public var events: Int64
        public var users: Int64
        public init(events: Int64, users: Int64) { self.events = events; self.users = users }
    }

    /// - Parameters:
    ///   - releases: the releases named by the batch's new events of this issue.
    ///   - isNewer: whether the first release is newer than the second.
    public static func transition(_ state: State, releases: [String?], now: Date,
                                  isNewer: (String, String) -> Bool,
                                  windows: () -> WindowCounts) -> Transition? {
        switch state.status {
        case "resolved":
            return regression(state, releases: releases, isNewer: isNewer)
        case "ignored":
            return escalation(state, now: now, windows: windows)
        default:
            return nil
        }
    }

    private static func regression(_ state: State, releases: [String?], isNewer: (String, String) -> Bool) -> Transition? {
        guard let resolution = state.resolution, let fixed = state.resolvedInRelease else {
            return .regressed(release: releases.compactMap { $0 }.first)
        }
        // An event without a release cannot be placed before or after the fix: it does not regress.
        for case let release? in releases {
            switch resolution {
            case "in_release" where release == fixed || isNewer(release, fixed):
                return .regressed(release: release)
            case "in_next_release" where release != fixed && isNewer(release, fixed):
                return .regressed(release: release)
            default:
                continue
            }
        }
        return nil
    }

    private static func escalation(_ state: State, now: Date, windows: () -> WindowCounts) -> Transition? {
        if let until = state.ignoreUntil, now >= until { return .escalated(reason: "until") }
        let needsWindow = (state.ignoreCount != nil && state.ignoreWindowMinutes != nil)
            || (state.ignoreUserCount != nil && state.ignoreUserWindowMinutes != nil)
        let counts = needsWindow ? windows() : WindowCounts(events: 0, users: 0)
        if let count = state.ignoreCount {
            let seen = state.ignoreWindowMinutes == nil ? Saturating.subtract(state.timesSeen, state.timesSeenBaseline ?? 0) : counts.events
            if seen >= count { return .escalated(reason: "count") }
        }
        if let users = state.ignoreUserCount {
            let seen = state.ignoreUserWindowMinutes == nil ? Saturating.subtract(state.userCount, state.userCountBaseline ?? 0) : counts.users
            if seen >= users { return .escalated(reason: "user_count") }
        }
        return nil
    }
}

/// Orders release versions: semantic versions (`package@1.2.3`, `1.2.3-beta`) by precedence;
/// anything else by when the release was first seen.
public enum ReleaseOrder {
    public static func isNewer(_ a: String, than b: String, firstSeen: [String: Date]) -> Bool {
        if let left = SemanticVersion(a), let right = SemanticVersion(b), left.package == right.package {
            return right < left
        }
        guard let leftDate = firstSeen[a] else { return true }
        guard let rightDate = firstSeen[b] else { return false }
        return leftDate > rightDate
    }
}

struct SemanticVersion: Comparable {
    let package: String
    let numbers: [Int]
    let prerelease: String?

    init?(_ text: String) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        package = parts.count == 2 ? String(parts[0]) : ""
        var version = Substring(parts.last ?? "")
        if let plus = version.firstIndex(of: "+") { version = version[..<plus] }
        let dash = version.firstIndex(of: "-")
        prerelease = dash.map { String(version[version.index(after: $0)...]) }
        let core = dash.map { version[..<$0] } ?? version
        let numbers = core.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...4).contains(numbers.count), numbers.allSatisfy({ $0 != nil }) else { return nil }
        self.numbers = numbers.map { $0! } + Array(repeating: 0, count: 4 - numbers.count)
        if numbers.count == 1 && parts.count == 1 { return nil }  // a bare integer is a build number, not semver
    }

    static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        if a.numbers != b.numbers { return a.numbers.lexicographicallyPrecedes(b.numbers) }
        switch (a.prerelease, b.prerelease) {
        case (nil, nil), (nil, _?): return false
        case (_?, nil): return true
        case let (left?, right?): return left < right
        }
    }
}
