import Alerting
import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import Postgres
import Store

/// Delivers the outbox (`alert_outbox`) from a processor process, on its own thread and
/// connection, so a slow or dead receiver never holds up ingestion. Each outbox partition is
/// delivered by whoever holds its session advisory lock: one deliverer at a time per partition
/// across all processors; when a process dies PostgreSQL releases its locks and another takes
/// over. A notification sent but not recorded before a crash is sent again (at least once);
/// its idempotency key lets the receiver drop the copy. Metrics:
/// `faultline_alert_notifications_total{channel,result}`, `faultline_alert_deliverer_partitions`.
public final class OutboxDeliverer: @unchecked Sendable {
    public struct Settings: Sendable {
        public var databaseURL: String
        /// Prefix of the links in notifications (the dashboard's public URL).
        public var baseURL: String
        public var partitions: Int
        public var policy: DeliveryPolicy
        /// Between looks for due rows when there were none.
        public var pollInterval: TimeInterval
        /// Between tries to take partitions this deliverer does not hold.
        public var lockRetryInterval: TimeInterval
        public var batchSize: Int
        public var requestTimeout: TimeInterval
        /// Key of partition 0's advisory lock ("alrt" in ASCII, shifted); partition p uses key + p.
        public var lockKeyBase: Int64

        public init(databaseURL: String, baseURL: String, partitions: Int = 4, policy: DeliveryPolicy = DeliveryPolicy(),
                    pollInterval: TimeInterval = 0.1, lockRetryInterval: TimeInterval = 5, batchSize: Int = 200,
                    requestTimeout: TimeInterval = 10, lockKeyBase: Int64 = 0x616c_7274_0000) {
            self.databaseURL = databaseURL
            self.baseURL = baseURL
            self.partitions = partitions
            self.policy = policy
            self.pollInterval = pollInterval
            self.lockRetryInterval = lockRetryInterval
            self.batchSize = batchSize
            self.requestTimeout = requestTimeout
            self.lockKeyBase = lockKeyBase
        }
    }

    private let settings: Settings
    private let logger: Logger
    private let client: HTTPClient
    private let condition = NSCondition()
    private var stopping = false
    private var finished = false
    private var thread: Thread?

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(max(1, settings.requestTimeout))))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "faultline-outbox"
        self.thread = thread
        thread.start()
    }

    /// Stops after the batch being sent, releases the partitions, and closes the HTTP client.
    public func stop() async {
        requestStop()
        // Waiting on the condition would block a cooperative thread: poll instead.
        while !isFinished && thread != nil { try? await Task.sleep(for: .milliseconds(20)) }
        try? await client.shutdown()
    }

    private func requestStop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: - The deliverer's thread

    private func loop() {
        var connection: PGConnection?
        var held: [Int] = []
        var nextLockTry = Date.distantPast
        var nextPrune = Date()
        while !isStopping {
            do {
                guard let db = connection else {
                    connection = try PGConnection(url: settings.databaseURL)
                    held = []
                    nextLockTry = .distantPast
                    continue
                }
                if Date() >= nextLockTry, held.count < settings.partitions {
                    held = try takePartitions(held: held, db)
                    nextLockTry = Date().addingTimeInterval(settings.lockRetryInterval)
                    Gauge(label: "faultline_alert_deliverer_partitions").record(held.count)
                }
                guard !held.isEmpty else {
                    sleep(settings.lockRetryInterval)
                    continue
                }
                let due = try OutboxRepository(db).due(partitions: held, limit: settings.batchSize)
                if due.isEmpty {
                    if Date() >= nextPrune {
                        _ = try OutboxRepository(db).pruneSent(before: Date().addingTimeInterval(-7 * 86_400))
                        nextPrune = Date().addingTimeInterval(600)
                    }
                    sleep(settings.pollInterval)
                    continue
                }
                try deliver(due, db)
            } catch {
                logger.warning("outbox: \(error); reconnecting")
                connection?.close()
                connection = nil
                held = []
                Gauge(label: "faultline_alert_deliverer_partitions").record(0)
                sleep(1)
            }
        }
        connection?.close()  // releases the partitions' locks
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func takePartitions(held: [Int], _ db: PGConnection) throws -> [Int] {
        var held = held
        for partition in 0..<max(1, settings.partitions) where !held.contains(partition) {
            if try db.query("SELECT pg_try_advisory_lock($1) AS locked", [settings.lockKeyBase + Int64(partition)]).first?.bool("locked") == true {
                held.append(partition)
                logger.info("outbox: delivering partition \(partition)")
            }
        }
        return held.sorted()
    }

    /// Sends a batch concurrently and records each result.
    private func deliver(_ messages: [OutboxRepository.Message], _ db: PGConnection) throws {
        let integrations = IntegrationRepository(db)
        var requests: [(Int64, HTTPNotification)] = []
        var results: [Int64: String?] = [:]
        for message in messages {
            let app = message.channel.hasPrefix("sentry_app") ? try integrations.sentryApp(installationUUID: message.target, projectID: message.projectID) : nil
            do {
                requests.append((message.id, try OutboxRendering.request(message, baseURL: settings.baseURL, app: app, now: Date())))
            } catch .unusable(let reason) {
                // Nothing to retry: dead at once.
                try OutboxRepository(db).markFailed(id: message.id, error: reason, retryAfter: nil)
                Counter(label: "faultline_alert_notifications_total", dimensions: [("channel", message.channel), ("result", "dead")]).increment()
            }
        }
        results = send(requests)
        // One transaction for the batch's results: one commit, not one per notification.
        try db.transaction { tx in try record(messages, results, OutboxRepository(tx)) }
    }

    private func record(_ messages: [OutboxRepository.Message], _ results: [Int64: String?], _ repository: OutboxRepository) throws {
        var sent: [Int64] = []
        for message in messages {
            guard let outcome = results[message.id] else { continue }
            if let error = outcome {
                let retry = settings.policy.retryDelay(afterAttempts: Int(clamping: message.attempts + 1))
                try repository.markFailed(id: message.id, error: error, retryAfter: retry)
                Counter(label: "faultline_alert_notifications_total",
                        dimensions: [("channel", message.channel), ("result", retry == nil ? "dead" : "retry")]).increment()
                if retry == nil { logger.warning("outbox: notification \(message.id) is dead after \(message.attempts + 1) attempts: \(error)") }
            } else {
                sent.append(message.id)
                Counter(label: "faultline_alert_notifications_total", dimensions: [("channel", message.channel), ("result", "sent")]).increment()
            }
        }
        try repository.markSent(ids: sent)
    }

    private func send(_ requests: [(Int64, HTTPNotification)]) -> [Int64: String?] {
        guard !requests.isEmpty else { return [:] }
        let sender = HTTPSender(client: client, timeout: settings.requestTimeout)
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            await withTaskGroup(of: (Int64, String?).self) { group in
                for (id, request) in requests { group.addTask { (id, await sender.send(request)) } }
                for await (id, error) in group { box.set(id, error) }
            }
            done.signal()
        }
        done.wait()
        return box.values
    }

    private var isStopping: Bool {
        condition.lock(); defer { condition.unlock() }
        return stopping
    }

    private var isFinished: Bool {
        condition.lock(); defer { condition.unlock() }
        return finished
    }

    private func sleep(_ seconds: TimeInterval) {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        while !stopping && Date() < deadline { _ = condition.wait(until: deadline) }
        condition.unlock()
    }
}

/// Results gathered from the sending tasks.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int64: String?] = [:]

    func set(_ id: Int64, _ error: String?) {
        lock.lock()
        results[id] = .some(error)
        lock.unlock()
    }

    var values: [Int64: String?] {
        lock.lock(); defer { lock.unlock() }
        return results
    }
}
