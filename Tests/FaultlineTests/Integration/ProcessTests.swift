import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Postgres
import Quotas
import RelayConfig
import Store
import Testing

/// The `faultline` executable itself: startup failures are one clear line, and separate relay,
/// processor and query processes share a `faultline broker`.
@Suite(.serialized) struct ProcessTests {
    @Test func unreachableDatabaseIsOneLineAndExitStatusOne() async throws {
        let executable = try TestEnvironment.executable
        for command in ["relay", "processor", "query", "dev", "migrate"] {
            let result = try await ChildProcess.run(executable, [command, "--database-url", "postgresql://nobody@127.0.0.1:1/none"])
            #expect(result.status == 1, "\(command): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(command) printed: \(result.stderr)")
            #expect(result.stderr.hasPrefix("faultline: error: cannot connect to PostgreSQL"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("FAULTLINE_DATABASE_URL"))
        }
    }

    @Test func unmigratedDatabaseAndBusyPortSayWhatToFix() async throws {
        let executable = try TestEnvironment.executable
        let admin = try TestEnvironment.adminDatabaseURL
        let empty = try await ChildProcess.run(executable, ["query", "--database-url", admin])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("run `faultline migrate`"), "\(empty.stderr)")

        try await withTestDatabase { database in
            let first = ChildProcess(executable, ["query", "--database-url", database.url, "--port", "19431"])
            try first.start()
            defer { first.kill() }
            #expect(await first.waitForOutput("listening on"))
            let second = try await ChildProcess.run(executable, ["query", "--database-url", database.url, "--port", "19431"])
            #expect(second.status == 1)
            #expect(second.stderr.contains("port 19431 on 127.0.0.1 is already in use"), "\(second.stderr)")
            #expect(second.stderr.split(separator: "\n").last?.hasPrefix("faultline: error:") == true)
        }
    }

    @Test func unreachableBrokerIsOneLine() async throws {
        let executable = try TestEnvironment.executable
        try await withTestDatabase { database in
            let result = try await ChildProcess.run(executable, ["relay", "--database-url", database.url,
                                                                 "--kafka-brokers", "127.0.0.1:1"], timeout: 60)
            #expect(result.status == 1)
            #expect(result.stderr.contains("faultline: error: cannot reach Kafka at 127.0.0.1:1"), "\(result.stderr)")
        }
    }

    @Test func separateProcessesShareABrokerAndSurviveSIGTERM() async throws {
        let executable = try TestEnvironment.executable
        let python = try TestEnvironment.python
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let (project, key, token) = (tenant.project, tenant.key, tenant.token)

            let (broker, bootstrap) = try await Self.startBroker(executable)
            defer { broker.kill() }
            let environment = ["FAULTLINE_DATABASE_URL": database.url, "FAULTLINE_KAFKA_BROKERS": bootstrap]
            let relay = ChildProcess(executable, ["relay", "--port", "19432"], environment: environment)
            let processor = ChildProcess(executable, ["processor", "--port", "19433"], environment: environment)
            let query = ChildProcess(executable, ["query", "--port", "19434"], environment: environment)
            for child in [relay, processor, query] { try child.start() }
            defer { for child in [relay, processor, query] { child.kill(SIGKILL) } }
            for child in [relay, query] { #expect(await child.waitForOutput("listening on")) }

            let dsn = "http://\(key.publicKey)@127.0.0.1:19432/\(project.id)"
            let sdk = try await ChildProcess.run(python, [TestEnvironment.compatScript("capture_exceptions.py"), "--times", "4", "--kinds", "2"],
                                                 environment: ["FAULTLINE_DSN": dsn])
            #expect(sdk.status == 0, "\(sdk.stderr)")

            var counts: [String] = []
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                var request = URLRequest(url: URL(string: "http://127.0.0.1:19434/api/0/projects/acme/web/issues/")!)
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                if let (data, _) = try? await URLSession.shared.data(for: request),
                   let issues = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] {
                    counts = issues.compactMap { $0["count"] as? String }.sorted()
                    if counts == ["4", "4"] { break }
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(counts == ["4", "4"])

            // SIGTERM: each service stops accepting, flushes or commits, and exits 0.
            for child in [relay, processor, query] { child.kill(SIGTERM) }
            for (name, child) in [("relay", relay), ("processor", processor), ("query", query)] {
                let status = await child.wait(timeout: 30)
                #expect(status == 0, "\(name) exited \(String(describing: status)): \(child.stderr.suffix(500))")
            }
        }
    }

    /// Without a spool (a real Kafka's default, here forced with FAULTLINE_SPOOL=off) the relay
    /// answers only once Kafka acknowledged: 503 while the broker is away.
    @Test func relayWithoutSpoolAnswers503WhileTheBrokerIsDownAndRecovers() async throws {
        let executable = try TestEnvironment.executable
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let (broker, bootstrap) = try await Self.startBroker(executable)
            defer { broker.kill() }
            let relay = try await Self.startService(executable, "relay", port: 19435, environment: [
                "FAULTLINE_DATABASE_URL": database.url, "FAULTLINE_KAFKA_BROKERS": bootstrap,
                "FAULTLINE_KAFKA_MESSAGE_TIMEOUT_MS": "2000", "FAULTLINE_SPOOL": "off",
            ])
            defer { relay.kill(SIGKILL) }

            func send() async throws -> (Int, String?) {
                let reply = try #require(await Self.postEvent(port: 19435, tenant: tenant))
                return (reply.status, reply.retryAfter)
            }
            let before = try await send()
            #expect(before.0 == 200)
            broker.send("down")
            #expect(await broker.waitForOutput("ok down"))
            let refused = try await send()
            #expect(refused.0 == 503)
            #expect(refused.1 != nil)
            broker.send("up")
            var status = 0
            let deadline = Date().addingTimeInterval(30)
            while status != 200 && Date() < deadline {
                status = try await send().0
            }
            #expect(status == 200)
        }
    }

    /// With its spool (the default beside a `faultline broker`) the relay answers 200 while the
    /// broker is away: the events are on disk, and reach the processor once it is back.
    @Test func relayWithSpoolAnswers200WhileTheBrokerIsDownAndDeliversAfter() async throws {
        try await withPipeline(relayPort: 19447, processorPort: 19448) { _, db, tenant, broker, _ in
            #expect(await Self.postEvent(port: 19447, tenant: tenant, eventID: String(format: "%032x", 0xD0000))?.status == 200)
            try await Self.waitForEvents(db, count: 1, timeout: 30)
            broker.send("down")
            #expect(await broker.waitForOutput("ok down"))
            var statuses: [Int] = []
            for index in 1...5 {
                statuses.append(await Self.postEvent(port: 19447, tenant: tenant, eventID: String(format: "%032x", 0xD0000 + index),
                                                     message: "spooled \(Self.words[index % 5])")?.status ?? 0)
            }
            #expect(statuses == [200, 200, 200, 200, 200])
            broker.send("up")
            #expect(await broker.waitForOutput("ok up"))
            try await Self.waitForEvents(db, count: 6, timeout: 60)
            let accepted = "SELECT coalesce(sum(quantity), 0) AS n FROM outcomes_hourly WHERE outcome = 0"
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, try db.query(accepted).first!.int("n") < 6 { try await Task.sleep(for: .milliseconds(250)) }
            try await Task.sleep(for: .seconds(1))
            #expect(try db.query("SELECT count(*) AS c FROM events").first!.int("c") == 6)
            #expect(try db.query(accepted).first!.int("n") == 6, "each accepted outcome counted once")
        }
    }

    /// Request errors injected by `faultline broker` (`errors produce N CODE`): the idempotent
    /// producer retries them, so the relay still answers 200 and each event is stored once.
    @Test func injectedBrokerRequestErrorsAreRetried() async throws {
        try await withPipeline(relayPort: 19443, processorPort: 19444) { database, db, tenant, broker, processor in
            #expect(await Self.postEvent(port: 19443, tenant: tenant, eventID: String(format: "%032x", 0xE0000))?.status == 200)

            broker.send("errors produce 5 19")
            #expect(await broker.waitForOutput("ok errors produce 5 19"))
            broker.send("errors fetch 5")
            #expect(await broker.waitForOutput("ok errors fetch 5 6"))
            broker.send("errors nonsense")
            #expect(await broker.waitForOutput("error usage: errors"))
            var accepted = 1
            for index in 1...20 where await Self.postEvent(port: 19443, tenant: tenant, eventID: String(format: "%032x", 0xE0000 + index),
                                                           message: "injected \(Self.words[index % 2])")?.status == 200 {
                accepted += 1
            }
            #expect(accepted == 21)
            try await Self.waitForEvents(db, count: 21, timeout: 30)
            try await Task.sleep(for: .seconds(1))
            #expect(try db.query("SELECT count(*) AS c FROM events").first!.int("c") == 21)
            #expect(try db.query("SELECT coalesce(sum(times_seen), 0) AS s FROM issues").first!.int("s") == 21)
            // The processor reports how far behind it is.
            let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:19444/metrics")!)
            let metrics = String(decoding: data, as: UTF8.self)
            #expect(metrics.contains("faultline_processor_lag_messages"), "\(metrics.prefix(2000))")
            #expect(metrics.contains("faultline_processor_database_up 1.0"), "\(metrics.prefix(2000))")
        }
    }

    @Test func quotaHoldsAcrossTwoRelayProcesses() async throws {
        let executable = try TestEnvironment.executable
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            try RelayConfigStore(db).setRateLimit(organization: "acme", project: "web", publicKey: nil, category: .error,
                                                  windowSeconds: 3600, maxQuantity: 50)
            let (broker, bootstrap) = try await Self.startBroker(executable)
            defer { broker.kill() }
            let environment = ["FAULTLINE_DATABASE_URL": database.url, "FAULTLINE_KAFKA_BROKERS": bootstrap]
            let relays = [try await Self.startService(executable, "relay", port: 19436, environment: environment),
                          try await Self.startService(executable, "relay", port: 19437, environment: environment)]
            defer { for relay in relays { relay.kill(SIGKILL) } }

            var accepted = 0, limited = 0
            for index in 0..<120 {
                let port = index % 2 == 0 ? 19436 : 19437
                let reply = try #require(await Self.postEvent(port: port, tenant: tenant))
                switch reply.status {
                case 200: accepted += 1
                case 429: limited += 1
                default: Issue.record("unexpected status")
                }
            }
            print("quota across two relays: limit 50, slice \(QuotaLimit(id: 0, keyID: nil, category: .error, windowSeconds: 3600, maxQuantity: 50).slice): \(accepted) accepted, \(limited) refused")
            // Leases never exceed the limit; each relay may strand at most one slice (2 here).
            #expect(accepted <= 50)
            #expect(accepted >= 46)
            #expect(accepted + limited == 120)
        }
    }

    /// The first promise: every event answered 200 is counted exactly once, while processors are
    /// killed with SIGKILL and restarted under load.
    @Test func exactlyOnceWhileProcessorsAreKilled() async throws {
        let executable = try TestEnvironment.executable
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let (broker, bootstrap) = try await Self.startBroker(executable)
            defer { broker.kill() }
            let environment = ["FAULTLINE_DATABASE_URL": database.url, "FAULTLINE_KAFKA_BROKERS": bootstrap,
                               "FAULTLINE_BATCH_SIZE": "200", "FAULTLINE_KAFKA_FETCH_WAIT_MAX_MS": "20"]
            let relay = try await Self.startService(executable, "relay", port: 19438, environment: environment)
            defer { relay.kill(SIGKILL) }
            var processors = [19439, 19440].map { ChildProcess(executable, ["processor", "--port", "\($0)"], environment: environment) }
            for processor in processors { try processor.start() }

            let total = 3000
            let sender = Task { () -> [String] in
                var accepted: [String] = []
                try await withThrowingTaskGroup(of: String?.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            var ids: [String] = []
                            for index in stride(from: worker, to: total, by: 8) {
                                let id = String(format: "%032x", index + 1)
                                if await Self.postEvent(port: 19438, tenant: tenant, eventID: id, message: "kill test \(Self.words[index % 5])",
                                                        user: "u\(index % 7)")?.status == 200 {
                                    ids.append(id)
                                }
                                // Spread the load over the whole kill period.
                                try? await Task.sleep(for: .milliseconds(15))
                            }
                            return ids.joined(separator: ",")
                        }
                    }
                    for try await ids in group { if let ids, !ids.isEmpty { accepted += ids.split(separator: ",").map(String.init) } }
                }
                return accepted
            }
            // Kill one processor with SIGKILL every 1.5 s and start a new one in its place.
            var kills = 0
            while kills < 6 {
                try await Task.sleep(for: .milliseconds(1500))
                let victim = kills % 2
                processors[victim].kill(SIGKILL)
                _ = await processors[victim].wait(timeout: 10)
                processors[victim] = ChildProcess(executable, ["processor", "--port", "\(19439 + victim)"], environment: environment)
                try processors[victim].start()
                kills += 1
            }
            let accepted = try await sender.value
            defer { for processor in processors { processor.kill(SIGKILL) } }
            #expect(accepted.count > total / 2, "only \(accepted.count) accepted")

            try await Self.waitForEvents(db, count: accepted.count, timeout: 90)
            try await Task.sleep(for: .seconds(2)) // anything beyond would be a double count
            let ids = Set(try db.query("SELECT replace(event_id::text, '-', '') AS id FROM events").rows.map { try $0.string("id") })
            let timesSeen = try db.query("SELECT coalesce(sum(times_seen), 0) AS s FROM issues").first!.int("s")
            let users = try db.query("SELECT coalesce(sum(user_count), 0) AS s FROM issues").first!.int("s")
            let offsets = try db.query("SELECT coalesce(sum(next_offset), 0) AS s FROM consumer_offsets").first!.int("s")
            print("exactly-once under SIGKILL: \(accepted.count) accepted, \(ids.count) stored, times_seen \(timesSeen), \(kills) kills, offsets \(offsets)")
            #expect(ids == Set(accepted))
            #expect(Int(timesSeen) == accepted.count)
            #expect(users == 35) // 7 users in each of the 5 issues, each counted once
            let hourly = try db.query("SELECT coalesce(sum(count), 0) AS s FROM issue_hourly").first!.int("s")
            let projectHourly = try db.query("SELECT coalesce(sum(count), 0) AS s FROM project_hourly").first!.int("s")
            let levelTags = try db.query("SELECT coalesce(sum(count), 0) AS s FROM issue_tag_values WHERE key = 'level'").first!.int("s")
            #expect(Int(hourly) == accepted.count)
            #expect(Int(projectHourly) == accepted.count)
            #expect(Int(levelTags) == accepted.count)
            #expect(try db.query("SELECT count(*) AS c FROM issues").first!.int("c") == 5)
            // The relay's outcomes ride the same transactions: one accepted error per accepted event.
            let acceptedOutcomes = "SELECT coalesce(sum(quantity), 0) AS s FROM outcomes_hourly WHERE outcome = 0 AND category = 1"
            let deadline = Date().addingTimeInterval(30)
            while try db.query(acceptedOutcomes).first!.int("s") < accepted.count && Date() < deadline {
                try await Task.sleep(for: .milliseconds(250))
            }
            try await Task.sleep(for: .seconds(1))
            #expect(Int(try db.query(acceptedOutcomes).first!.int("s")) == accepted.count)
        }
    }

    /// PostgreSQL goes away under load (connections cut, new ones refused) and comes back: the
    /// processor pauses, says so once, resumes by itself, and loses or doubles nothing.
    @Test func processorRidesOutADatabaseOutage() async throws {
        try await withPipeline(relayPort: 19441, processorPort: 19442) { database, db, tenant, broker, processor in

            // Warm the relay's key cache, then keep sending while the database is away.
            let sender = Task { () -> [String] in
                var accepted: [String] = []
                for index in 0..<600 {
                    let id = String(format: "%032x", 0xD0000 + index)
                    if await Self.postEvent(port: 19441, tenant: tenant, eventID: id, message: "outage \(Self.words[index % 3])")?.status == 200 {
                        accepted.append(id)
                    }
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return accepted
            }
            try await Task.sleep(for: .seconds(2))
            try database.refuseConnections()
            try await Task.sleep(for: .seconds(5))
            try database.allowConnections()
            let accepted = try await sender.value

            let check = try database.connect()
            defer { check.close() }
            try await Self.waitForEvents(check, count: accepted.count, timeout: 60)
            try await Task.sleep(for: .seconds(1))
            let ids = Set(try check.query("SELECT replace(event_id::text, '-', '') AS id FROM events").rows.map { try $0.string("id") })
            let timesSeen = try check.query("SELECT coalesce(sum(times_seen), 0) AS s FROM issues").first!.int("s")
            print("database outage: \(accepted.count) of 600 accepted, \(ids.count) stored, times_seen \(timesSeen)")
            #expect(ids == Set(accepted))
            #expect(Int(timesSeen) == accepted.count)
            #expect(processor.stderr.components(separatedBy: "PostgreSQL unavailable").count - 1 == 1, "\(processor.stderr.suffix(2000))")
            #expect(processor.stderr.contains("PostgreSQL reachable again; resuming"))
        }
    }

    /// A fresh database with a tenant, and `faultline broker`, `relay` and `processor` processes on it.
    func withPipeline(relayPort: Int, processorPort: Int,
                      _ body: (TestDatabase, PGConnection, TestTenant, ChildProcess, ChildProcess) async throws -> Void) async throws {
        let executable = try TestEnvironment.executable
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let tenant = try TestTenant.create(db)
            let (broker, bootstrap) = try await Self.startBroker(executable)
            defer { broker.kill() }
            let environment = ["FAULTLINE_DATABASE_URL": database.url, "FAULTLINE_KAFKA_BROKERS": bootstrap,
                               "FAULTLINE_KAFKA_FETCH_WAIT_MAX_MS": "20"]
            let relay = try await Self.startService(executable, "relay", port: relayPort, environment: environment)
            let processor = try await Self.startService(executable, "processor", port: processorPort, environment: environment)
            defer { relay.kill(SIGKILL); processor.kill(SIGKILL) }
            try await body(database, db, tenant, broker, processor)
        }
    }

    /// A `faultline broker` process and the bootstrap address it printed.
    static func startBroker(_ executable: String) async throws -> (ChildProcess, String) {
        let broker = ChildProcess(executable, ["broker"])
        try broker.start()
        guard await broker.waitForOutput("bootstrap "),
              let line = broker.stdout.split(separator: "\n").first(where: { $0.hasPrefix("bootstrap ") }) else {
            broker.kill()
            throw TestSetupError("faultline broker did not print its bootstrap address: \(broker.stderr)")
        }
        return (broker, String(line.dropFirst("bootstrap ".count)))
    }

    /// Posts one event envelope to a relay process; nil when the request itself failed.
    /// Distinct words: grouping replaces numbers in messages, so "test 1" and "test 2" are one issue.
    static let words = ["alpha", "bravo", "charlie", "delta", "echo"]

    static func postEvent(port: Int, tenant: TestTenant, eventID: String? = nil, message: String = "m",
                          user: String? = nil) async -> (status: Int, retryAfter: String?)? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/\(tenant.project.id)/envelope/")!)
        request.httpMethod = "POST"
        request.setValue("Sentry sentry_key=\(tenant.key.publicKey), sentry_version=7", forHTTPHeaderField: "X-Sentry-Auth")
        let header = eventID.map { "{\"event_id\":\"\($0)\"}" } ?? "{}"
        let userField = user.map { ",\"user\":{\"id\":\"\($0)\"}" } ?? ""
        request.httpBody = Data("\(header)\n{\"type\":\"event\"}\n{\"message\":\"\(message)\"\(userField)}\n".utf8)
        guard let (_, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else {
            return nil
        }
        return (http.statusCode, http.value(forHTTPHeaderField: "Retry-After"))
    }

    /// Waits until `events` holds at least `count` rows, or the timeout passes.
    static func waitForEvents(_ db: PGConnection, count: Int, timeout: TimeInterval) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try db.query("SELECT count(*) AS c FROM events").first!.int("c") >= count { return }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// A `faultline <command>` process on `port`, once it listens.
    static func startService(_ executable: String, _ command: String, port: Int, environment: [String: String]) async throws -> ChildProcess {
        let child = ChildProcess(executable, [command, "--port", String(port)], environment: environment)
        try child.start()
        guard await child.waitForOutput("listening on") else {
            child.kill(SIGKILL)
            throw TestSetupError("faultline \(command) did not start: \(child.stderr.suffix(1000))")
        }
        return child
    }
}
