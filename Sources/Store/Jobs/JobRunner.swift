import Foundation
import Logging
import Metrics
import Postgres

/// Runs `PeriodicJob`s once across every process that starts a runner. The leader is whoever
/// holds a session advisory lock on its own connection; the others try again every
/// `retryInterval`. When the leader's connection dies PostgreSQL releases the lock and another
/// runner takes over; a job never runs on two runners at once, because it runs on the
/// connection that holds the lock. Each run is recorded in `job_runs` (so a new leader keeps the
/// schedule) and in metrics: `faultline_jobs_leader`, `faultline_job_runs_total{job,result}`,
/// `faultline_job_last_run_timestamp_seconds`, `faultline_job_last_success_timestamp_seconds`,
/// `faultline_job_next_run_timestamp_seconds`, `faultline_job_last_run_duration_seconds`.
public final class JobRunner: @unchecked Sendable {
    public struct Settings: Sendable {
        public var databaseURL: String
        /// Names this runner in `job_runs.runner` and logs.
        public var runnerName: String
        /// Between tries to lead, and between health checks of the leader's connection.
        public var retryInterval: TimeInterval
        public var lockKey: Int64

        /// Key of the jobs' advisory lock ("jobs" in ASCII); `Migrator` uses another.
        public static let defaultLockKey = Int64(0x6a6f6273)

        public init(databaseURL: String, runnerName: String = JobRunner.defaultRunnerName,
                    retryInterval: TimeInterval = 5, lockKey: Int64 = Settings.defaultLockKey) {
            self.databaseURL = databaseURL
            self.runnerName = runnerName
            self.retryInterval = retryInterval
            self.lockKey = lockKey
        }
    }

    public static var defaultRunnerName: String { "\(ProcessInfo.processInfo.hostName):\(getpid())" }

    private let settings: Settings
    private let jobs: [PeriodicJob]
    private let logger: Logger
    private let condition = NSCondition()
    private var stopping = false
    private var finished = false
    private var leading = false
    private var thread: Thread?

    public init(settings: Settings, jobs: [PeriodicJob], logger: Logger) {
        self.settings = settings
        self.jobs = jobs
        self.logger = logger
    }

    /// True while this runner holds the lock.
    public var isLeader: Bool {
        condition.lock(); defer { condition.unlock() }
        return leading
    }

    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "faultline-jobs"
        self.thread = thread
        thread.start()
    }

    /// Stops after the job running now, if any, and releases the lock.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while thread != nil && !finished { condition.wait() }
        condition.unlock()
    }

    // MARK: - The runner's thread

    private func loop() {
        var connection: PGConnection?
        var next: [String: Date] = [:]
        while !isStopping {
            do {
                guard let db = connection else {
                    connection = try PGConnection(url: settings.databaseURL)
                    continue
                }
                if !isLeader {
                    guard try db.query("SELECT pg_try_advisory_lock($1) AS locked", [settings.lockKey]).first?.bool("locked") == true else {
                        sleep(settings.retryInterval)
                        continue
                    }
                    next = try loadNextRuns(db)
                    setLeading(true)
                    logger.info("jobs: leading (\(settings.runnerName)): \(jobs.map(\.name).joined(separator: ", "))")
                }
                for job in jobs where JobSchedule.isDue(next: next[job.name], now: Date()) && !isStopping {
                    next[job.name] = try run(job, on: db)
                }
                sleep(JobSchedule.wait(untilEarliestOf: jobs.map { next[$0.name] }, now: Date(), maxWait: settings.retryInterval))
                if !isStopping { try db.query("SELECT 1") }
            } catch {
                if isLeader { logger.warning("jobs: lost leadership (\(settings.runnerName)): \(error)") }
                setLeading(false)
                connection?.close()
                connection = nil
                sleep(settings.retryInterval)
            }
        }
        if let connection, isLeader {
            _ = try? connection.query("SELECT pg_advisory_unlock($1)", [settings.lockKey])
        }
        connection?.close()
        setLeading(false)
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs one job and records it; returns its next run. Throws only when the connection is
    /// gone (leadership with it); a job's own failure is recorded and retried on schedule.
    private func run(_ job: PeriodicJob, on db: PGConnection) throws -> Date {
        let started = Date()
        let dimensions = [("job", job.name)]
        try db.query("""
            INSERT INTO job_runs (name, last_started_at, runner) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET last_started_at = $2, runner = $3
            """, [job.name, started, settings.runnerName])
        Gauge(label: "faultline_job_last_run_timestamp_seconds", dimensions: dimensions).record(started.timeIntervalSince1970)
        var summary: String?
        var failure: String?
        do {
            summary = try job.run(db)
        } catch {
            failure = "\(error)"
        }
        guard db.isHealthy else { throw PGError(.connection, "jobs: connection lost while running \(job.name)") }
        let finishedAt = Date()
        let next = job.schedule.nextRun(afterRunStarted: started, succeeded: failure == nil, now: finishedAt)
        try db.query("""
            UPDATE job_runs SET last_finished_at = $2, next_run_at = $3, runs = runs + 1,
                last_success_at = CASE WHEN $4::text IS NULL THEN $2 ELSE last_success_at END,
                failures = failures + CASE WHEN $4::text IS NULL THEN 0 ELSE 1 END,
                last_error = $4, last_summary = COALESCE($5, last_summary)
            WHERE name = $1
            """, [job.name, finishedAt, next, failure, summary])
        let duration = finishedAt.timeIntervalSince(started)
        Gauge(label: "faultline_job_last_run_duration_seconds", dimensions: dimensions).record(duration)
        Gauge(label: "faultline_job_next_run_timestamp_seconds", dimensions: dimensions).record(next.timeIntervalSince1970)
        Counter(label: "faultline_job_runs_total", dimensions: dimensions + [("result", failure == nil ? "success" : "failure")]).increment()
        if let failure {
            logger.error("jobs: \(job.name) failed after \(String(format: "%.1f", duration)) s, next try at \(next): \(failure)")
        } else {
            Gauge(label: "faultline_job_last_success_timestamp_seconds", dimensions: dimensions).record(finishedAt.timeIntervalSince1970)
            logger.info("jobs: \(job.name) done in \(String(format: "%.1f", duration)) s: \(summary ?? "")")
        }
        return next
    }

    /// The next run of each job as the previous leader left it.
    private func loadNextRuns(_ db: PGConnection) throws -> [String: Date] {
        var next: [String: Date] = [:]
        for row in try db.query("SELECT name, next_run_at FROM job_runs WHERE name = ANY($1::text[])", [PGArray(jobs.map(\.name))]).rows {
            next[try row.string("name")] = try row.optionalDate("next_run_at")
        }
        return next
    }

    private var isStopping: Bool {
        condition.lock(); defer { condition.unlock() }
        return stopping
    }

    private func setLeading(_ value: Bool) {
        condition.lock()
        leading = value
        condition.unlock()
        Gauge(label: "faultline_jobs_leader").record(value ? 1 : 0)
    }

    /// Waits `seconds`, or less when `stop()` is called.
    private func sleep(_ seconds: TimeInterval) {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        while !stopping && Date() < deadline { _ = condition.wait(until: deadline) }
        condition.unlock()
    }
}
