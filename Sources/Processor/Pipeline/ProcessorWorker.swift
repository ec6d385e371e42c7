import Core
import Foundation
import Kafka
import Logging
import Metrics

/// One consumer-group member on its own thread: poll a batch, hand each topic's messages to its
/// `TopicHandler`, write everything and the offsets in one fenced transaction, repeat. Exactly
/// once comes from the offsets living in that transaction (`FencedBatchWriter`, `OffsetStore`);
/// Kafka's committed offsets are only advisory. The worker knows nothing of events.
public final class ProcessorWorker: @unchecked Sendable {
    public struct Settings: Sendable {
        public var kafka: KafkaConfig
        public var databaseURL: String
        public var group: String
        /// The topics to subscribe to; one consumer group, so one set of offsets.
        public var topics: [String]
        /// Builds one worker's handlers (each worker has its own: handlers keep caches).
        public var handlers: @Sendable (DatabaseSession, Logger) -> [any TopicHandler]
        public var batchSize: Int
        /// Keep reading until the topics are drained before stopping (for the in-memory broker,
        /// whose log dies with the process).
        public var drainOnStop: Bool
        /// How much lower than the rest of the process the worker threads run (Linux nice, 0–19).
        /// `faultline dev` sets 10: relay and processors share its cores, and with the spool a
        /// burst is taken first, on disk, and processed after, instead of the processor taking the
        /// CPU the relay needs to answer.
        public var niceness: Int32 = 0

        /// The processor as `ProcessorTopics` declares it: its topics and their handlers.
        public init(kafka: KafkaConfig, databaseURL: String, group: String, topics: Topics, batchSize: Int, drainOnStop: Bool) {
            self.kafka = kafka
            self.databaseURL = databaseURL
            self.group = group
            self.topics = ProcessorTopics.consumed(topics)
            self.handlers = { ProcessorTopics.handlers(topics, database: $0, logger: $1) }
            self.batchSize = batchSize
            self.drainOnStop = drainOnStop
        }
    }

    let settings: Settings
    private let logger: Logger
    private let lock = NSLock()
    private var stopRequested = false
    private var finished = false
    /// Set before the first poll, and rebalances run inside polls on this thread.
    private var batches: FencedBatchWriter?

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Runs until `stop()`; blocks the calling thread. Returns after leaving the group. Throws
    /// at once if a topic to consume has no handler.
    public func run() throws {
        defer { lock.withLock { finished = true } }
        let database = DatabaseSession(url: settings.databaseURL, logger: logger)
        let handlers = try TopicHandlers(consumed: settings.topics, handlers: settings.handlers(database, logger))
        let consumer = try KafkaConsumer(
            config: settings.kafka, groupID: settings.group, topics: settings.topics,
            rebalance: RebalanceHandler(assigned: { [self] in batches?.startPositions($0) ?? [:] }, revoked: { _ in }),
            logger: logger)
        defer { consumer.close() }
        guard let clusterID = consumer.clusterID() else {
            throw KafkaError(.consumer, "cannot read the cluster id from \(settings.kafka.bootstrapServers): is the broker reachable?")
        }
        let writer = FencedBatchWriter(group: settings.group, clusterID: clusterID, handlers: handlers, database: database, logger: logger)
        batches = writer
        logger.info("processor: consuming \(settings.topics.joined(separator: ", ")) as group \(settings.group)")
        Gauge(label: "faultline_processor_database_up").record(1)
        var emptyPolls = 0
        while true {
            let stopping = lock.withLock { stopRequested }
            if stopping && (!settings.drainOnStop || emptyPolls >= 2) { break }
            let messages = consumer.poll(maxMessages: settings.batchSize, timeoutMs: stopping ? 500 : 250)
            if messages.isEmpty { emptyPolls += 1; continue }
            emptyPolls = 0
            let (contiguous, resume) = Batch.contiguousRuns(messages)
            writer.process(contiguous, consumer: consumer)
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
}
