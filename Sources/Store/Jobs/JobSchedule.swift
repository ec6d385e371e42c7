import Foundation

/// When a periodic job runs next (pure). A job runs once per `interval` counted from the start of
/// its last run; after a failure it is tried again sooner, after `retryAfterFailure`. Runs missed
/// while nobody led are not caught up: an overdue job runs once.
public struct JobSchedule: Sendable, Equatable {
    public var interval: TimeInterval
    public var retryAfterFailure: TimeInterval

    public init(interval: TimeInterval, retryAfterFailure: TimeInterval = 300) {
        self.interval = interval
        self.retryAfterFailure = retryAfterFailure
    }

    /// The next run after one that started at `started`. Never later than `now + interval`, so a
    /// start time from a clock far ahead (another host's) cannot postpone the job for long.
    public func nextRun(afterRunStarted started: Date, succeeded: Bool, now: Date) -> Date {
        let wait = succeeded ? interval : min(interval, retryAfterFailure)
        return min(started.addingTimeInterval(wait), now.addingTimeInterval(wait))
    }

    /// Due when it never ran (`next` nil) or its time has come.
    public static func isDue(next: Date?, now: Date) -> Bool {
        guard let next else { return true }
        return next <= now
    }

    /// How long the leader may sleep: until the earliest next run, at most `maxWait`, never negative.
    public static func wait(untilEarliestOf next: [Date?], now: Date, maxWait: TimeInterval) -> TimeInterval {
        var wait = maxWait
        for date in next {
            guard let date else { return 0 }
            wait = min(wait, date.timeIntervalSince(now))
        }
        return max(0, wait)
    }
}
