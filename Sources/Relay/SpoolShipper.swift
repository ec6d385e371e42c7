import EventModel
import Foundation
import Kafka
import Logging
import Metrics
import Postgres
import Spool
import Store

/// Moves the relay's spooled records to Kafka and releases the spool behind the processors.
///
/// The forwarder (`SpoolForwarder`) reads records in order; each record's messages are queued to
/// the producer at once (in order, so each partition gets them in spool order) with the header
/// `faultline-receipt` naming the spool, the record and the message, and up to
/// `maxInFlightMessages` wait for acknowledgements together. With the embedded broker it pauses
/// while a partition is near the mock's 5 MiB log (`BacklogMonitor`), which would otherwise drop
/// messages nobody read. A failed delivery, a message the broker dropped unread, or another
/// cluster answering makes it drain, rewind to the first record concerned and send from there
/// again (`ShipmentLedger`). Every `releaseInterval` it releases the spool up to the last record
/// the processors committed past (for topics they consume; Kafka's acknowledgement for others).
public final class SpoolShipper: @unchecked Sendable {
    let spool: Spool
    let producer: KafkaProducer
    /// Topics a processor consumes in this deployment: their records hold the spool until committed.
    let consumed: Set<String>
    let backlog: BacklogMonitor?
    let logger: Logger
    let maxInFlightMessages: Int
    let releaseInterval: Duration
    /// Told each new release watermark, to record it where processors can drop the receipts
    /// of released records (`spool_releases`); a failure is retried with the next release.
    let recordRelease: @Sendable (UInt64) async throws -> Void
    private let lock = NSLock()
    private var ledger: ShipmentLedger
    /// Bytes of message values queued and not yet acknowledged or failed.
    private var inFlightBytes = 0
    /// Bound on `inFlightBytes`: a fifth of the mock's 5 MiB partition, so what is queued and
    /// not yet seen by the headroom check cannot fill a partition past what it guards.
    let maxInFlightBytes: Int
    /// Logs an outage of Kafka once when it starts and once when deliveries work again.
    private let kafkaState = DependencyState()

    public init(spool: Spool, producer: KafkaProducer, consumedTopics: [String], backlog: BacklogMonitor?,
                maxInFlightMessages: Int = 20_000, maxInFlightBytes: Int = 1 << 20, releaseInterval: Duration = .milliseconds(250),
                recordRelease: @escaping @Sendable (UInt64) async throws -> Void, logger: Logger) {
        self.recordRelease = recordRelease
        self.spool = spool
        self.producer = producer
        // Without the embedded broker's monitor there are no committed offsets to wait for: a
        // real Kafka's acknowledgement is durable (replicated), so acknowledged is released.
        consumed = backlog == nil ? [] : Set(consumedTopics)
        self.backlog = backlog
        self.maxInFlightMessages = max(1, maxInFlightMessages)
        self.maxInFlightBytes = max(1, maxInFlightBytes)
        self.releaseInterval = releaseInterval
        self.logger = logger
        ledger = ShipmentLedger(startingAfter: spool.replayStart > 0 ? spool.replayStart - 1 : 0)
    }

    /// The usual `recordRelease`: the watermark goes to `spool_releases` through `pool`, where
    /// the processors' `receipts` job reads it.
    public static func recordingRelease(of spool: Spool, in pool: PGPool) -> @Sendable (UInt64) async throws -> Void {
        let uuid = IngestReceipt.uuidText(spoolID: spool.identity)
        return { released in
            try await pool.withConnection { try IngestReceiptRepository($0).recordRelease(spoolUUID: uuid, released: released) }
        }
    }

    /// Forwards and releases until the task is cancelled (at shutdown: what is not processed yet
    /// stays in the spool and is replayed by the next start).
    public func run() async {
        let start = spool.replayStart
        if start <= spool.durableSequence {
            logger.info("spool: replaying records \(start)…\(spool.durableSequence) not known to be processed")
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.forwardWithRewinds(from: start) }
            group.addTask { await self.releaseLoop() }
            await group.next()
            group.cancelAll()
        }
    }

    private func forwardWithRewinds(from start: UInt64) async {
        var next = start
        let forwarder = SpoolForwarder(spool: spool, logger: logger)
        while !Task.isCancelled {
            let from = next
            let run = Task { [self] in await forwarder.run(from: from) { sequence, batch in try await self.enqueue(sequence, batch) } }
            while !Task.isCancelled, !lock.withLock({ ledger.needsRewind }) {
                try? await Task.sleep(for: .milliseconds(20))
            }
            run.cancel()
            await run.value
            guard !Task.isCancelled else { return }
            // Wait for every queued message's report (librdkafka fails them by its message
            // timeout at the latest), then restart at the first record to send again.
            var restart: UInt64?
            while restart == nil && !Task.isCancelled {
                restart = lock.withLock { ledger.rewind() }
                if restart == nil { try? await Task.sleep(for: .milliseconds(20)) }
            }
            guard !Task.isCancelled else { return }
            next = restart ?? next
            if kafkaState.failed() {
                logger.error("relay: Kafka did not acknowledge; requests are kept in the spool and sent again from record \(next) until it does")
            } else {
                logger.info("spool: sending again from record \(next)")
            }
            Counter(label: "faultline_spool_rewinds_total").increment()
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Queues one record's messages. Returns once they are queued (not acknowledged): the
    /// ledger follows the reports. Throws only when the run is being cancelled.
    private func enqueue(_ sequence: UInt64, _ batch: SpoolBatch) async throws {
        while true {
            try Task.checkCancellation()
            let (inFlight, bytes, rewinding) = lock.withLock { (ledger.inFlight, inFlightBytes, ledger.needsRewind) }
            // A failed record is sent again from the rewind; sending past it meanwhile is wasted.
            if rewinding { throw CancellationError() }
            // The headroom check sees only acknowledged messages: what is queued counts against
            // a byte bound too, so the mock's log cannot outrun it (at least one record goes).
            if inFlight < maxInFlightMessages, inFlight == 0 || bytes < maxInFlightBytes, backlog?.fullPartition == nil { break }
            try await Task.sleep(for: .milliseconds(2))
        }
        guard !batch.messages.isEmpty else {
            lock.withLock { ledger.skip(through: sequence) }
            return
        }
        let recordBytes = batch.messages.reduce(0) { $0 &+ $1.value.count }
        lock.withLock {
            ledger.begin(sequence, messageCount: batch.messages.count)
            inFlightBytes &+= recordBytes
        }
        for (index, message) in batch.messages.enumerated() {
            let receipt = IngestReceipt(spoolID: spool.identity, sequence: sequence, index: UInt32(truncatingIfNeeded: index))
            let header = receipt.map { KafkaHeader(name: IngestReceipt.headerName, value: $0.encoded()) }
            let consumed = consumed.contains(message.topic)
            // A message without a key (outcomes) is keyed by its receipt: a copy sent again lands
            // in the same partition, behind the first, so the first is counted before the record
            // can be released and its receipt dropped.
            let key = message.key ?? header?.value
            let (topic, size) = (message.topic, message.value.count)
            var attempts = 0
            while true {
                do {
                    try producer.produce(topic: topic, key: key, value: message.value, header: header) { [self] result in
                        lock.withLock {
                            inFlightBytes &-= size
                            switch result {
                            case .success(let report):
                                ledger.delivered(sequence, partition: TopicPartition(topic: topic, partition: report.partition),
                                                 offset: report.offset, consumed: consumed)
                            case .failure(let error):
                                if error.isPermanent {
                                    // Waiting cannot fix it (too large for the broker, no such topic, not
                                    // allowed): counted and dropped, instead of holding the spool forever.
                                    ledger.delivered(sequence, partition: TopicPartition(topic: topic, partition: -1), offset: 0,
                                                     consumed: false)
                                } else {
                                    ledger.failed(sequence)
                                }
                            }
                        }
                        if case .failure(let error) = result, error.isPermanent {
                            logger.error("spool: Kafka refuses a message of record \(sequence) for \(topic) (\(size) bytes) for good: \(error); dropped")
                            Counter(label: "faultline_spool_dropped_messages_total", dimensions: [("topic", topic)]).increment()
                        }
                        if case .success(let report) = result {
                            backlog?.noteAcknowledged(topic: topic, partition: report.partition, bytes: size)
                            if let failed = kafkaState.succeeded() {
                                logger.notice("relay: Kafka acknowledging again (forwarding from the spool resumed after \(failed) rewinds)")
                            }
                        }
                    }
                    break
                } catch let error where error.kind == .queueFull && attempts < 5_000 && !Task.isCancelled {
                    // librdkafka's local queue is full: it drains as the broker acknowledges. Not a
                    // throwing sleep: once a record is begun, its messages are queued or abandoned.
                    attempts += 1
                    try? await Task.sleep(for: .milliseconds(2))
                } catch {
                    logger.warning("spool: cannot queue record \(sequence) for \(message.topic): \(error)")
                    let unqueuedBytes = batch.messages[index...].reduce(0) { $0 &+ $1.value.count }
                    lock.withLock {
                        ledger.abandon(sequence, unqueued: batch.messages.count - index)
                        inFlightBytes &-= unqueuedBytes
                    }
                    throw CancellationError()
                }
            }
        }
    }

    private func releaseLoop() async {
        var released: UInt64 = 0
        var recorded: UInt64 = 0
        var clusterID = backlog?.startClusterID
        var lastFailure: String?
        var lastPublished = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: releaseInterval)
            // The forwarder publishes too, but not while it waits for room in the broker.
            if ContinuousClock.now - lastPublished >= .seconds(1) {
                spool.publishMetrics()
                lastPublished = .now
            }
            let measurement = backlog?.measurement
            if let measurement, let known = clusterID, measurement.clusterID != known {
                clusterID = measurement.clusterID
                lock.withLock { ledger.clusterChanged() }
                continue
            }
            if backlog != nil && measurement == nil { continue }
            let (watermark, pending) = lock.withLock {
                (ledger.release(committed: measurement?.committed ?? [:], logStart: measurement?.logStart ?? [:]),
                 ledger.pendingRecords)
            }
            Gauge(label: "faultline_spool_unprocessed_records").record(pending)
            if released > recorded {
                do {
                    try await recordRelease(released)
                    recorded = released
                } catch {
                    logger.debug("spool: cannot record the release watermark \(released): \(error)")
                }
            }
            guard watermark > released else { continue }
            do {
                try spool.release(upTo: watermark)
                released = watermark
                lastFailure = nil
            } catch {
                let text = "\(error)"
                if text != lastFailure { logger.error("spool: release up to \(watermark) failed: \(text)") }
                lastFailure = text
            }
        }
    }
}
