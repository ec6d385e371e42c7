import Foundation
import Testing
@testable import Processor

@Suite struct IssueLifecycleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func transition(_ state: IssueLifecycle.State, _ releases: [String?], firstSeen: [String: Date] = [:],
                    windows: IssueLifecycle.WindowCounts = .init(events: 0, users: 0)) -> IssueLifecycle.Transition? {
        IssueLifecycle.transition(state, releases: releases, now: now,
                                  isNewer: { ReleaseOrder.isNewer($0, than: $1, firstSeen: firstSeen) }, windows: { windows })
    }

    @Test func plainResolveRegressesOnAnyEvent() {
        let resolved = IssueLifecycle.State(status: "resolved")
        #expect(transition(resolved, [nil]) == .regressed(release: nil))
        #expect(transition(resolved, ["1.0"]) == .regressed(release: "1.0"))
        #expect(transition(IssueLifecycle.State(status: "unresolved"), ["1.0"]) == nil)
    }

    @Test func resolvedInReleaseRegressesFromThatReleaseOn() {
        let state = IssueLifecycle.State(status: "resolved", resolution: "in_release", resolvedInRelease: "app@2.0.0")
        #expect(transition(state, ["app@1.9.3"]) == nil)
        #expect(transition(state, [nil]) == nil)
        #expect(transition(state, ["app@2.0.0"]) == .regressed(release: "app@2.0.0"))
        #expect(transition(state, ["app@1.0.0", "app@2.1.0"]) == .regressed(release: "app@2.1.0"))
    }

    @Test func resolvedInNextReleaseRegressesOnlyFromNewerReleases() {
        let state = IssueLifecycle.State(status: "resolved", resolution: "in_next_release", resolvedInRelease: "abc123")
        let seen = ["abc123": now.addingTimeInterval(-3600), "def456": now]
        #expect(transition(state, ["abc123"], firstSeen: seen) == nil)
        #expect(transition(state, ["def456"], firstSeen: seen) == .regressed(release: "def456"))
        // Never seen before: a new release.
        #expect(transition(state, ["fresh"], firstSeen: seen) == .regressed(release: "fresh"))
    }

    @Test func ignoreConditionsEscalate() {
        var state = IssueLifecycle.State(status: "ignored", ignoreCount: 10, timesSeenBaseline: 100, timesSeen: 109)
        #expect(transition(state, [nil]) == nil)
        state.timesSeen = 110
        #expect(transition(state, [nil]) == .escalated(reason: "count"))

        let windowed = IssueLifecycle.State(status: "ignored", ignoreCount: 5, ignoreWindowMinutes: 60, timesSeenBaseline: 0, timesSeen: 500)
        #expect(transition(windowed, [nil], windows: .init(events: 4, users: 0)) == nil)
        #expect(transition(windowed, [nil], windows: .init(events: 5, users: 0)) == .escalated(reason: "count"))

        let users = IssueLifecycle.State(status: "ignored", ignoreUserCount: 3, userCountBaseline: 7, userCount: 10)
        #expect(transition(users, [nil]) == .escalated(reason: "user_count"))

        let until = IssueLifecycle.State(status: "ignored", ignoreUntil: now.addingTimeInterval(60))
        #expect(transition(until, [nil]) == nil)
        #expect(IssueLifecycle.transition(until, releases: [nil], now: now.addingTimeInterval(61), isNewer: { _, _ in false },
                                          windows: { .init(events: 0, users: 0) }) == .escalated(reason: "until"))
        // Ignored forever: nothing brings it back.
        #expect(transition(IssueLifecycle.State(status: "ignored", timesSeen: 1_000_000), [nil]) == nil)
    }

    @Test func releasesOrderBySemverElseFirstSeen() {
        #expect(ReleaseOrder.isNewer("1.10.0", than: "1.9.0", firstSeen: [:]))
        #expect(!ReleaseOrder.isNewer("1.0.0-beta", than: "1.0.0", firstSeen: [:]))
        #expect(ReleaseOrder.isNewer("web@2.0", than: "web@1.5.2", firstSeen: [:]))
        let t = Date()
        // Different packages, or not semver: by first seen.
        #expect(ReleaseOrder.isNewer("b", than: "a", firstSeen: ["a": t, "b": t.addingTimeInterval(1)]))
        #expect(!ReleaseOrder.isNewer("a", than: "b", firstSeen: ["a": t, "b": t.addingTimeInterval(1)]))
    }
}
