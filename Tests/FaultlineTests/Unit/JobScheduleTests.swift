import Core
import Foundation
import Testing
@testable import Store

/// The pure schedule of the singleton jobs, and the setting that turns retention on.
@Suite struct JobScheduleTests {
    @Test func jobsRunOncePerIntervalAndRetrySoonerAfterAFailure() {
        let schedule = JobSchedule(interval: 3_600, retryAfterFailure: 300)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let now = start.addingTimeInterval(20)
        #expect(schedule.nextRun(afterRunStarted: start, succeeded: true, now: now) == start.addingTimeInterval(3_600))
        #expect(schedule.nextRun(afterRunStarted: start, succeeded: false, now: now) == start.addingTimeInterval(300))
        // A retry never waits longer than the interval itself.
        #expect(JobSchedule(interval: 60, retryAfterFailure: 300).nextRun(afterRunStarted: start, succeeded: false, now: now)
                == start.addingTimeInterval(60))
        // A start stamped by a clock a day ahead postpones the next run by one interval from now at most.
        #expect(schedule.nextRun(afterRunStarted: start.addingTimeInterval(86_400), succeeded: true, now: now)
                == now.addingTimeInterval(3_600))

        #expect(JobSchedule.isDue(next: nil, now: now))
        #expect(JobSchedule.isDue(next: now, now: now))
        #expect(!JobSchedule.isDue(next: now.addingTimeInterval(1), now: now))
        // A run missed while nobody led is due once, not once per missed interval.
        #expect(JobSchedule.isDue(next: now.addingTimeInterval(-10 * 3_600), now: now))
    }

    @Test func theLeaderSleepsUntilTheEarliestRunButNotPastItsHealthCheck() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(JobSchedule.wait(untilEarliestOf: [now.addingTimeInterval(30), now.addingTimeInterval(2)], now: now, maxWait: 5) == 2)
        #expect(JobSchedule.wait(untilEarliestOf: [now.addingTimeInterval(30)], now: now, maxWait: 5) == 5)
        #expect(JobSchedule.wait(untilEarliestOf: [now.addingTimeInterval(-30)], now: now, maxWait: 5) == 0)
        #expect(JobSchedule.wait(untilEarliestOf: [now.addingTimeInterval(30), nil], now: now, maxWait: 5) == 0)
        #expect(JobSchedule.wait(untilEarliestOf: [], now: now, maxWait: 5) == 5)
    }
}

@Suite struct RetentionSettingTests {
    @Test func retentionDaysDefaultToNinetyAndZeroTurnsTheJobOff() throws {
        #expect(try FaultlineConfig.fromEnvironment([:]).retentionDays == 90)
        #expect(try FaultlineConfig.fromEnvironment(["FAULTLINE_RETENTION_DAYS": "0"]).retentionDays == 0)
        #expect(try FaultlineConfig.fromEnvironment(["FAULTLINE_RETENTION_DAYS": "30"]).retentionDays == 30)
        #expect(throws: ConfigError.self) { try FaultlineConfig.fromEnvironment(["FAULTLINE_RETENTION_DAYS": "-1"]) }
        #expect(throws: ConfigError.self) { try FaultlineConfig.fromEnvironment(["FAULTLINE_RETENTION_DAYS": "ninety"]) }
    }
}
