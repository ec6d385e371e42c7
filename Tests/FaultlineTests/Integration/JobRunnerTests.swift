import Foundation
import Logging
import Postgres
import Store
import Testing

/// Two runners on one database: one leads and runs the jobs; when its connection dies the other takes over.
@Suite struct JobRunnerTests {
    /// What the job saw: which runner ran it, and whether two runs ever overlapped.
    final class Runs: @unchecked Sendable {
        private let lock = NSLock()
        private var runners: [String] = []
        private var running = 0
        private(set) var overlapped = false

        func run(_ runner: String) {
            lock.withLock {
                running += 1
                if running > 1 { overlapped = true }
                runners.append(runner)
            }
            Thread.sleep(forTimeInterval: 0.02)
            lock.withLock { running -= 1 }
        }

        var all: [String] { lock.withLock { runners } }
    }

    static func runner(_ name: String, _ database: TestDatabase, _ runs: Runs, retry: TimeInterval) -> JobRunner {
        let job = PeriodicJob(name: "probe", schedule: JobSchedule(interval: 0.1)) { db in
            try db.query("SELECT 1")
            runs.run(name)
            return "ran on \(name)"
        }
        return JobRunner(settings: .init(databaseURL: database.url, runnerName: name, retryInterval: retry),
                         jobs: [job], logger: Logger(label: "test"))
    }

    static func waitUntil(_ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    @Test func exactlyOneRunnerRunsTheJobAndLeadershipMovesWhenItsConnectionDies() async throws {
        try await withTestDatabase { database in
            let runs = Runs()
            // a retries slowly, so once its connection is cut b is the one to take over.
            let a = Self.runner("a", database, runs, retry: 60)
            let b = Self.runner("b", database, runs, retry: 0.05)
            a.start()
            defer { a.stop() }
            #expect(try Self.waitUntil { a.isLeader })
            b.start()
            defer { b.stop() }
            #expect(try Self.waitUntil { runs.all.count >= 5 })
            #expect(!b.isLeader)
            #expect(Set(runs.all) == ["a"])
            #expect(!runs.overlapped)

            let db = try database.connect()
            let row = try db.query("SELECT runner, runs, last_error, last_summary FROM job_runs WHERE name = 'probe'").first
            #expect(try row?.string("runner") == "a")
            #expect(try row?.int("runs") ?? 0 >= 4)
            #expect(try row?.optionalString("last_error") == nil)
            #expect(try row?.string("last_summary") == "ran on a")

            // Cut the leader's connection: PostgreSQL frees its lock and b takes over.
            let killed = try db.query("""
                SELECT pg_terminate_backend(pid) AS killed FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """).rows
            #expect(killed.count == 1)
            #expect(try Self.waitUntil { b.isLeader && runs.all.last == "b" })
            #expect(try Self.waitUntil { !a.isLeader })
            let before = runs.all.count
            #expect(try Self.waitUntil { runs.all.count >= before + 3 })
            #expect(Array(runs.all.suffix(3)) == ["b", "b", "b"])
            #expect(try db.query("SELECT runner FROM job_runs WHERE name = 'probe'").first?.string("runner") == "b")
        }
    }

    @Test func aFailingJobIsRecordedAndTheLeaderKeepsLeading() async throws {
        try await withTestDatabase { database in
            struct Boom: Error, CustomStringConvertible { var description: String { "boom" } }
            let job = PeriodicJob(name: "failing", schedule: JobSchedule(interval: 0.1, retryAfterFailure: 0.05)) { _ in throw Boom() }
            let runner = JobRunner(settings: .init(databaseURL: database.url, runnerName: "only", retryInterval: 0.05),
                                   jobs: [job], logger: Logger(label: "test"))
            runner.start()
            defer { runner.stop() }
            let db = try database.connect()
            #expect(try Self.waitUntil {
                try db.query("SELECT failures FROM job_runs WHERE name = 'failing'").first?.int("failures") ?? 0 >= 2
            })
            #expect(runner.isLeader)
            let row = try db.query("SELECT last_error, last_success_at, runs FROM job_runs WHERE name = 'failing'").first
            #expect(try row?.optionalString("last_error") == "boom")
            #expect(try row?.optionalDate("last_success_at") == nil)
        }
    }
}
