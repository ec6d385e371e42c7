import Foundation
import Kafka
import Logging
import Metrics
import Postgres

/// The exactly-once part of the processor: writes a poll's batch — every handler's rows, the
/// dead letters and the offsets — in one PostgreSQL transaction that first advances the offsets
/// in `OffsetStore` (fenced), so rows and offsets commit together or not at all. Also where a
/// member starts reading, what it does when the fence refuses (resync), how a message that
/// fails on its own becomes a dead letter, and how a range the broker deleted is stepped over.
final class FencedBatchWriter {
    private let group: String
    private let clusterID: String
    private let handlers: TopicHandlers
    private let database: DatabaseSession
    private let logger: Logger

    init(group: String, clusterID: String, handlers: TopicHandlers, database: DatabaseSession, logger: Logger) {
        self.group = group
        self.clusterID = clusterID
        self.handlers = handlers
        self.database = database
        self.logger = logger
    }

    /// Offsets from PostgreSQL for newly assigned partitions. Waits for the database if it is
    /// down: starting elsewhere would re-read or skip.
    func startPositions(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        var attempt = 0
        while true {
            do {
                return try database.withConnection { try OffsetStore($0, group: group, clusterID: clusterID).positions(partitions) }
            } catch {
                attempt += 1
                database.noteFailure(error)
                if attempt >= 30 {
                    // Kafka's committed offsets never run ahead of PostgreSQL's, and the fence
                    // rejects anything already written, so falling back cannot double count.
                    logger.error("processor: no offsets from PostgreSQL after \(attempt) attempts; starting from Kafka's committed offsets")
                    return [:]
                }
                database.pause(attempt)
            }
        }
    }

    /// Hands each topic's messages to its handler and commits what they return.
    func process(_ messages: [KafkaMessage], consumer: KafkaConsumer) {
        var batch = Batch()
        var byTopic: [String: [KafkaMessage]] = [:]
        for message in messages {
            batch.cover(message)
            byTopic[message.topic, default: []].append(message)
        }
        for (topic, messages) in byTopic.sorted(by: { $0.key < $1.key }) {
            guard let handler = handlers[topic] else {
                // Unreachable: the worker subscribes only to handled topics (`TopicHandlers`).
                batch.deadLetters += messages.map { letter($0, projectID: nil, reason: "no handler for topic \(topic)") }
                continue
            }
            let write = handler.handle(messages, database: database)
            batch.deadLetters += write.deadLetters
            batch.writes.append(write)
        }
        commit(batch, messages: messages, consumer: consumer)
    }

    /// Writes the batch, retrying transient failures until it lands; isolates a message that
    /// fails on its own into a dead letter.
    private func commit(_ batch: Batch, messages: [KafkaMessage], consumer: KafkaConsumer) {
        do {
            let committed = try database.retryingTransient {
                try database.withConnection { db in try batch.writes.forEach { try $0.prepare(db) } }
                return try writeFenced(batch.spans) { tx in
                    let committed = try batch.writes.map { try $0.write(tx) }
                    try DeadLetterStore(tx).record(batch.deadLetters)
                    return committed
                }
            }
            committed.forEach { $0() }
            Self.countDeadLetters(batch.deadLetters.count)
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
            deadLetter(message, projectID: handlers[message.topic]?.projectID(of: message), reason: "write failed: \(error)",
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
                try database.retryingTransient { try writeFenced(span) { try DeadLetterStore($0).record([letter]) } }
                consumer.commitAdvisory(span.mapValues(\.next))
                logger.error("processor: dead-lettered \(message.topic)[\(message.partition)]@\(message.offset): \(reason)")
                Self.countDeadLetters(1)
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
                    database.noteFailure(error)
                    database.pause(attempt)
                }
            }
        }
    }

    /// One transaction that first advances the offsets of `spans` (throwing `Fenced` when another
    /// member got there first) and then runs `body`: rows and offsets commit together.
    private func writeFenced<T>(_ spans: [TopicPartition: OffsetSpan], _ body: (PGConnection) throws -> T) throws -> T {
        try database.withConnection { db in
            try db.transaction { tx in
                let fenced = try OffsetStore(tx, group: group, clusterID: clusterID).advance(spans)
                if !fenced.isEmpty { throw Fenced(partitions: fenced) }
                return try body(tx)
            }
        }
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
                let positions = try database.withConnection { try OffsetStore($0, group: group, clusterID: clusterID).positions(partitions) }
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
                database.noteFailure(error)
                if attempt > 20 {
                    // Lost the partition meanwhile (seek fails on unassigned partitions): its new
                    // owner starts from PostgreSQL's offsets anyway.
                    logger.warning("processor: giving up resync of \(partitions.map(\.description).joined(separator: ", ")): \(error)")
                    return
                }
                database.pause(attempt)
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
            try database.retryingTransient {
                try writeFenced([partition: OffsetSpan(first: first, next: next)]) { try DeadLetterStore($0).record([letter]) }
            }
        } catch is Fenced {
            return  // another member recorded it first
        }
        logger.error("processor: \(partition): \(reason); recorded in dead_letters")
        Counter(label: "faultline_processor_messages_lost_total", dimensions: [("topic", partition.topic)]).increment(by: Int(next - first))
    }

    private func letter(_ message: KafkaMessage, projectID: Int64?, reason: String) -> DeadLetter {
        DeadLetter(topic: message.topic, partition: message.partition, offset: message.offset,
                   projectID: projectID, reason: reason, payload: message.value)
    }

    /// Every dead letter counts under the events counter, as before handlers existed.
    private static func countDeadLetters(_ count: Int) {
        Counter(label: "faultline_processor_events_total", dimensions: [("result", "dead_letter")]).increment(by: count)
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
}

private struct Fenced: Error {
    let partitions: [TopicPartition]
}
