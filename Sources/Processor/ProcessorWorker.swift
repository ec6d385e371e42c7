import Core
import EventModel
import Foundation
import Kafka
import Logging
import Metrics
import Postgres
import Grouping
import Quotas
import Scrubbing
import Store

/// One consumer-group member on its own thread: poll a batch (events and outcomes), process it,
/// write it and its offsets in one PostgreSQL transaction, repeat. Exactly once comes from the offsets living in
/// that transaction (see `OffsetStore`); Kafka's committed offsets are only advisory.
public final class ProcessorWorker: @unchecked Sendable {
    public struct Settings: Sendable {
        public var kafka: KafkaConfig
        public var databaseURL: String
        public var group: String
        /// Ingest messages to turn into events.
        public var eventsTopic: String
        /// Outcome records to add to `outcomes_hourly`; nil to leave them to someone else.
        public var outcomesTopic: String?
        public var batchSize: Int
        /// Keep reading until the topic is drained before stopping (for the in-memory broker,
        /// whose log dies with the process).
        public var drainOnStop: Bool

        public init(kafka: KafkaConfig, databaseURL: String, group: String, eventsTopic: String, outcomesTopic: String?,
                    batchSize: Int, drainOnStop: Bool) {
            self.kafka = kafka
            self.databaseURL = databaseURL
            self.group = group
            self.eventsTopic = eventsTopic
            self.outcomesTopic = outcomesTopic
            self.batchSize = batchSize
            self.drainOnStop = drainOnStop
        }

        /// Every topic the worker subscribes to; one consumer group, so one set of offsets.
        public var topics: [String] { [eventsTopic] + (outcomesTopic.map { [$0] } ?? []) }
    }

    private let settings: Settings
    private let logger: Logger
    private let lock = NSLock()
    private var stopRequested = false
    private var finished = false
    private var connection: PGConnection?
    private var databaseDown = false
    private var clusterID = ""
    private var projectSettings: [Int64: (settings: ProjectProcessingSettings, grouping: GroupingConfig, fetched: Date)] = [:]
    private var partitions = EventPartitions()

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Runs until `stop()`; blocks the calling thread. Returns after leaving the group.
    public func run() throws {
        defer { lock.withLock { finished = true } }
        let consumer = try KafkaConsumer(
            config: settings.kafka, groupID: settings.group, topics: settings.topics,
            rebalance: RebalanceHandler(
                assigned: { [self] partitions in startPositions(partitions) },
                revoked: { _ in }),
            logger: logger)
        defer { consumer.close() }
        guard let cluster = consumer.clusterID() else {
            throw KafkaError(.consumer, "cannot read the cluster id from \(settings.kafka.bootstrapServers): is the broker reachable?")
        }
        clusterID = cluster
        logger.info("processor: consuming \(settings.topics.joined(separator: ", ")) as group \(settings.group)")
        Gauge(label: "faultline_processor_database_up").record(databaseDown ? 0 : 1)
        var emptyPolls = 0
        while true {
            let stopping = lock.withLock { stopRequested }
            if stopping && (!settings.drainOnStop || emptyPolls >= 2) { break }
            let messages = consumer.poll(maxMessages: settings.batchSize, timeoutMs: stopping ? 500 : 250)
            if messages.isEmpty { emptyPolls += 1; continue }
            emptyPolls = 0
            let (contiguous, resume) = Batch.contiguousRuns(messages)
            process(contiguous, consumer: consumer)
            for (partition, offset) in resume.sorted(by: { $0.key.partition < $1.key.partition }) {
                // The poll skipped offsets of this partition: re-read from the first one missing.
                logger.warning("processor: \(partition) came with a gap at \(offset); reading it again from there")
                try? consumer.seek(partition, to: offset)
            }
        }
        logger.info("processor: stopped")
    }

    public func stop() { lock.withLock { stopRequested = true } }

    public var isFinished: Bool { lock.withLock { finished } }

    /// Offsets from PostgreSQL for newly assigned partitions. Waits for the database if it is
    /// down: starting elsewhere would re-read or skip.
    private func startPositions(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        var attempt = 0
        while true {
            do {
                let positions = try withConnection { try OffsetStore($0, group: settings.group, clusterID: clusterID).positions(partitions) }
                return positions
            } catch {
                attempt += 1
                noteDatabaseFailure(error)
                if attempt >= 30 {
                    // Kafka's committed offsets never run ahead of PostgreSQL's, and the fence
                    // rejects anything already written, so falling back cannot double count.
                    logger.error("processor: no offsets from PostgreSQL after \(attempt) attempts; starting from Kafka's committed offsets")
                    return [:]
                }
                Thread.sleep(forTimeInterval: backoff(attempt))
            }
        }
    }

    private func process(_ messages: [KafkaMessage], consumer: KafkaConsumer) {
        var batch = Batch()
        let (outcomes, ingests) = split(messages)
        for message in outcomes {
            batch.cover(message)
            do {
                batch.outcomes.append(try OutcomeMessage.decode(message.value))
            } catch {
                batch.deadLetters.append(DeadLetter(
                    topic: message.topic, partition: message.partition, offset: message.offset,
                    projectID: OutcomeMessage.projectID(of: message.value), reason: error.description, payload: message.value))
            }
        }
        let decoded = ingests.map { message in Result { try IngestMessage.decode(message.value) } }
        let settings = processingSettings(for: Set(decoded.compactMap { try? $0.get().metadata.projectID }))
        for (message, ingest) in zip(ingests, decoded) {
            batch.cover(message)
            do {
                let ingest = try ingest.get()
                let project = settings[ingest.metadata.projectID]
                batch.events.append(try EventNormalizer.normalize(
                    ingest, scrubbing: project?.settings.scrubbing ?? .default, grouping: project?.grouping ?? .default))
            } catch {
                batch.deadLetters.append(DeadLetter(
                    topic: message.topic, partition: message.partition, offset: message.offset,
                    projectID: IngestMessage.projectID(of: message.value),
                    reason: String(describing: error), payload: message.value))
            }
        }
        commit(batch, messages: messages, consumer: consumer)
    }

    /// A poll's messages by topic: outcome records, and ingest messages (everything else).
    private func split(_ messages: [KafkaMessage]) -> (outcomes: [KafkaMessage], ingests: [KafkaMessage]) {
        guard let outcomesTopic = settings.outcomesTopic else { return ([], messages) }
        var outcomes: [KafkaMessage] = [], ingests: [KafkaMessage] = []
        for message in messages {
            if message.topic == outcomesTopic { outcomes.append(message) } else { ingests.append(message) }
        }
        return (outcomes, ingests)
    }

    private func projectID(of message: KafkaMessage) -> Int64? {
        message.topic == settings.outcomesTopic
            ? OutcomeMessage.projectID(of: message.value) : IngestMessage.projectID(of: message.value)
    }

    /// Writes the batch, retrying transient failures until it lands; isolates a message that
    /// fails on its own into a dead letter.
    private func commit(_ batch: Batch, messages: [KafkaMessage], consumer: KafkaConsumer) {
        do {
            let result = try retryingTransient {
                try withConnection { try partitions.ensure(batch.events.map(\.timestamp), $0) }
                return try writeFenced(batch.spans) { tx in
                    let events = try EventWriter(tx).write(batch.events)
                    let outcomes = try OutcomeWriter(tx).write(batch.outcomes)
                    try DeadLetterStore(tx).record(batch.deadLetters)
                    return (events, outcomes)
                }
            }
            record(result.0, deadLetters: batch.deadLetters.count)
            record(result.1)
            consumer.commitAdvisory(batch.spans.mapValues(\.next))
            recordLag(batch.spans, consumer: consumer)
        } catch let fenced as Fenced {
            resync(fenced.partitions, consumer: consumer)
            let remaining = batch.spans.keys.filter { !fenced.partitions.contains($0) }
            guard !remaining.isEmpty else { return }
            process(messages.filter { remaining.contains(TopicPartition(topic: $0.topic, partition: $0.partition)) }, consumer: consumer)
        } catch {
            if messages.count > 1 {
                logger.warning("processor: batch of \(messages.count) failed (\(error)); writing its messages one by one")
                for message in messages { process([message], consumer: consumer) }
                return
            }
            guard let message = messages.first else { return }
            deadLetter(message, projectID: projectID(of: message), reason: "write failed: \(error)",
                       consumer: consumer)
        }
    }

    /// Records one message as a dead letter and moves its offset past it, in one transaction,
    /// retrying until that lands: a message is never skipped without a trace. If even the
    /// record with its payload cannot be written, it is written without the payload.
    private func deadLetter(_ message: KafkaMessage, projectID: Int64?, reason: String, consumer: KafkaConsumer) {
        let span = [TopicPartition(topic: message.topic, partition: message.partition):
                        OffsetSpan(first: message.offset, next: message.offset + 1)]
        var attempt = 0
        var payload = message.value
        while true {
            let letter = DeadLetter(topic: message.topic, partition: message.partition, offset: message.offset,
                                    projectID: projectID, reason: reason, payload: payload)
            do {
                try retryingTransient { try writeFenced(span) { try DeadLetterStore($0).record([letter]) } }
                consumer.commitAdvisory(span.mapValues(\.next))
                logger.error("processor: dead-lettered \(message.topic)[\(message.partition)]@\(message.offset): \(reason)")
                record(EventWriter.Result(), deadLetters: 1)
                return
            } catch let fenced as Fenced {
                resync(fenced.partitions, consumer: consumer)
                return
            } catch {
                attempt += 1
                if !payload.isEmpty {
                    logger.error("processor: cannot store dead letter with its payload (\(error)); storing it without")
                    payload = []
                } else {
                    noteDatabaseFailure(error)
                    Thread.sleep(forTimeInterval: backoff(attempt))
                }
            }
        }
    }

    /// One transaction that first advances the offsets of `spans` (throwing `Fenced` when another
    /// member got there first) and then runs `body`: rows and offsets commit together.
    private func writeFenced<T>(_ spans: [TopicPartition: OffsetSpan], _ body: (PGConnection) throws -> T) throws -> T {
        try withConnection { db in
            try db.transaction { tx in
                let fenced = try OffsetStore(tx, group: settings.group, clusterID: clusterID).advance(spans)
                if !fenced.isEmpty { throw Fenced(partitions: fenced) }
                return try body(tx)
            }
        }
    }

    /// Runs `body` until it succeeds or fails with something other than a transient database
    /// error, backing off between tries and logging one line per database state change.
    private func retryingTransient<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                let value = try body()
                noteDatabaseRecovered()
                return value
            } catch let error as PGError where error.isTransient {
                attempt += 1
                noteDatabaseFailure(error)
                Thread.sleep(forTimeInterval: backoff(attempt))
            }
        }
    }

    /// Projects' processing settings, re-read every 10 s. If PostgreSQL cannot say, the defaults
    /// (scrub) apply: a database hiccup must not leak data.
    private func processingSettings(for projects: Set<Int64>) -> [Int64: (settings: ProjectProcessingSettings, grouping: GroupingConfig)] {
        let now = Date()
        let stale = projects.filter { projectSettings[$0].map { now.timeIntervalSince($0.fetched) > 10 } ?? true }
        if !stale.isEmpty, let fresh = try? withConnection({ try ProjectSettingsStore($0).settings(projectIDs: stale.sorted()) }) {
            for project in stale {
                let settings = fresh[project] ?? .default
                let grouping: GroupingConfig
                do {
                    grouping = try ProjectGrouping.config(settings)
                } catch {
                    logger.error("processor: grouping rules of project \(project) do not parse (\(error)); grouping with the defaults")
                    grouping = .default
                }
                projectSettings[project] = (settings, grouping, now)
            }
        }
        return projectSettings.mapValues { ($0.settings, $0.grouping) }
    }

    /// After a failed fence another member owns newer work: jump to the stored position. Retried
    /// until it succeeds, since reading on from here could skip what the fence refused.
    private func resync(_ fencedPartitions: [TopicPartition], consumer: KafkaConsumer) {
        // A partition lost in a rebalance meanwhile is its new owner's: it starts from PostgreSQL.
        let partitions = fencedPartitions.filter { consumer.assignment.contains($0) }
        guard !partitions.isEmpty else { return }
        var attempt = 0
        while true {
            do {
                let positions = try withConnection { try OffsetStore($0, group: settings.group, clusterID: clusterID).positions(partitions) }
                for partition in partitions {
                    guard let offset = positions[partition] else { continue }
                    if let start = consumer.logStart(partition), start > offset {
                        try recordDeleted(partition, from: offset, to: start)
                        consumer.commitAdvisory([partition: start])
                        try consumer.seek(partition, to: start)
                        continue
                    }
                    logger.warning("processor: \(partition) already processed to \(offset) by another member; skipping ahead")
                    try consumer.seek(partition, to: offset)
                }
                return
            } catch {
                attempt += 1
                noteDatabaseFailure(error)
                if attempt > 20 {
                    // Lost the partition meanwhile (seek fails on unassigned partitions): its new
                    // owner starts from PostgreSQL's offsets anyway.
                    logger.warning("processor: giving up resync of \(partitions.map(\.description).joined(separator: ", ")): \(error)")
                    return
                }
                Thread.sleep(forTimeInterval: backoff(attempt))
            }
        }
    }

    /// The broker's retention deleted offsets `first..<next` before they were read (a processor
    /// stopped longer than the topic keeps messages, or the embedded broker's 5 MiB per
    /// partition overrun): nothing can bring them back. Records the range as one dead letter
    /// without payload and moves past it, so the partition is not retried forever.
    private func recordDeleted(_ partition: TopicPartition, from first: Int64, to next: Int64) throws {
        let reason = "offsets \(first)..<\(next) (\(next - first) messages) were deleted by the broker's retention before they were processed"
        let letter = DeadLetter(topic: partition.topic, partition: partition.partition, offset: first,
                                projectID: nil, reason: reason, payload: [])
        do {
            try retryingTransient {
                try writeFenced([partition: OffsetSpan(first: first, next: next)]) { try DeadLetterStore($0).record([letter]) }
            }
        } catch is Fenced {
            return  // another member recorded it first
        }
        logger.error("processor: \(partition): \(reason); recorded in dead_letters")
        Counter(label: "faultline_processor_messages_lost_total", dimensions: [("topic", partition.topic)]).increment(by: Int(next - first))
    }

    private func record(_ result: EventWriter.Result, deadLetters: Int) {
        Counter(label: "faultline_processor_events_total", dimensions: [("result", "inserted")]).increment(by: result.inserted)
        Counter(label: "faultline_processor_events_total", dimensions: [("result", "duplicate")]).increment(by: result.duplicates)
        Counter(label: "faultline_processor_events_total", dimensions: [("result", "dead_letter")]).increment(by: deadLetters)
        Counter(label: "faultline_processor_issues_created_total").increment(by: result.newIssues)
    }

    /// Messages in each partition not yet stored, after this batch: what a slow or stopped
    /// processor leaves in Kafka (a partition's gauge keeps its last value after it moves).
    private func recordLag(_ spans: [TopicPartition: OffsetSpan], consumer: KafkaConsumer) {
        for (partition, span) in spans {
            guard let high = consumer.highWatermark(partition) else { continue }
            Gauge(label: "faultline_processor_lag_messages",
                  dimensions: [("topic", partition.topic), ("partition", String(partition.partition))]).record(max(0, high - span.next))
        }
    }

    private func record(_ result: OutcomeWriter.Result) {
        Counter(label: "faultline_processor_outcomes_total", dimensions: [("result", "recorded")]).increment(by: result.recorded)
        if result.unattributed > 0 {
            Counter(label: "faultline_processor_outcomes_total", dimensions: [("result", "unattributed")]).increment(by: result.unattributed)
            logger.warning("processor: \(result.unattributed) outcomes of unknown projects without org_id skipped")
        }
    }

    private func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        if connection?.isHealthy != true {
            connection = nil
            connection = try PGConnection(url: settings.databaseURL)
        }
        do {
            return try body(connection!)
        } catch let error as PGError where error.kind == .connection {
            connection = nil
            throw error
        }
    }

    private func noteDatabaseFailure(_ error: any Error) {
        if !databaseDown {
            logger.error("processor: PostgreSQL unavailable (\(error)); pausing and retrying")
            databaseDown = true
            Gauge(label: "faultline_processor_database_up").record(0)
        }
    }

    private func noteDatabaseRecovered() {
        if databaseDown {
            logger.notice("processor: PostgreSQL reachable again; resuming")
            databaseDown = false
            Gauge(label: "faultline_processor_database_up").record(1)
        }
    }

    private func backoff(_ attempt: Int) -> TimeInterval { min(5, 0.1 * pow(2, Double(min(attempt, 10)))) }
}

private struct Fenced: Error {
    let partitions: [TopicPartition]
}
