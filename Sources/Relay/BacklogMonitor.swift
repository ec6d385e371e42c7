import Foundation
import Kafka
import Logging
import Metrics
import Postgres
import Store

/// Keeps the relay from acknowledging what the embedded broker would delete unread: measures
/// the processors' backlog every `interval` on a thread of its own, counts what this relay
/// adds in between, and says whether more may be sent (else the spool's shipper waits, or
/// without a spool the relay answers 503). Only for librdkafka's mock cluster; a real Kafka's
/// retention is the operator's to size.
///
/// How far the processors are comes from PostgreSQL (`consumer_offsets`, written in the same
/// transaction as the data, for this cluster) when `databaseURL` is given, else from the
/// group's offsets in Kafka, which processors commit after PostgreSQL as advice only: a commit
/// refused during a rebalance is not repeated, so they can stay behind until the next batch —
/// and with nothing new sent, there is no next batch.
public final class BacklogMonitor: @unchecked Sendable {
    private let probe: KafkaBacklogProbe
    private let topics: [String]
    private let headroom: EmbeddedBrokerHeadroom
    private let interval: TimeInterval
    private let logger: Logger
    private let lock = NSLock()
    private var partitions: [TopicPartition] = []
    private var backlog: [PartitionBacklog] = []
    private var sentSince: [TopicPartition: Int64] = [:]
    private var messageBytes: [String: Double] = [:]
    private var full: TopicPartition?
    private var reportedFull = false
    private var stopped = false
    private var thread: Thread?
    private let clusterID: String
    private var currentClusterID: String
    private var lastMeasurement: Measurement?
    private let group: String
    private let databaseURL: String?
    /// The monitor thread's own connection, opened on first use and again after a failure.
    private var database: PGConnection?
    private var databaseFailing = false

    /// One round's view of the consumed partitions, for the spool's release: how far the
    /// processors committed and where each log starts, and which cluster answered.
    public struct Measurement: Sendable {
        public let clusterID: String
        public let committed: [TopicPartition: Int64]
        public let logStart: [TopicPartition: Int64]
    }

    /// Starts a monitor when `kafka` points at librdkafka's mock cluster, else returns nil.
    public static func startIfEmbedded(kafka: KafkaConfig, group: String, topics: [String], databaseURL: String? = nil,
                                       headroom: EmbeddedBrokerHeadroom = EmbeddedBrokerHeadroom(),
                                       interval: TimeInterval = 0.2, logger: Logger) throws -> BacklogMonitor? {
        let probe = try KafkaBacklogProbe(config: kafka, group: group)
        guard let cluster = probe.clusterID(timeoutMs: 5_000), cluster.hasPrefix("mockCluster") else {
            probe.close()
            return nil
        }
        let monitor = BacklogMonitor(probe: probe, clusterID: cluster, group: group, databaseURL: databaseURL, topics: topics,
                                     headroom: headroom, interval: interval, logger: logger)
        monitor.start()
        logger.info("relay: embedded broker: answering 503 when the processors' unread backlog would fill \(Int(headroom.fillRatio * 100)) % of a partition's \(headroom.partitionBytes / 1024 / 1024) MiB")
        return monitor
    }

    init(probe: KafkaBacklogProbe, clusterID: String, group: String, databaseURL: String?, topics: [String],
         headroom: EmbeddedBrokerHeadroom, interval: TimeInterval, logger: Logger) {
        self.probe = probe
        self.group = group
        self.databaseURL = databaseURL
        self.clusterID = clusterID
        currentClusterID = clusterID
        self.topics = topics
        self.headroom = headroom
        self.interval = interval
        self.logger = logger
    }

    /// The partition that is full, or nil when the relay may acknowledge more.
    public var fullPartition: TopicPartition? { lock.withLock { full } }

    /// The latest round's committed offsets and log starts, or nil before the first.
    public var measurement: Measurement? { lock.withLock { lastMeasurement } }

    /// The cluster id seen at start (the mock cluster's is new in every process that hosts it).
    public var startClusterID: String { clusterID }

    /// Counts a message this relay had acknowledged, until the next measurement includes it.
    public func noteAcknowledged(topic: String, partition: Int32, bytes: Int) {
        let key = TopicPartition(topic: topic, partition: partition)
        lock.withLock {
            sentSince[key, default: 0] += 1
            let mean = messageBytes[topic] ?? Double(bytes)
            messageBytes[topic] = mean + (Double(bytes) - mean) / 64
            if full == nil, !backlog.isEmpty {
                full = headroom.fullPartition(backlog.filter { $0.partition == key }, sentSince: sentSince, messageBytes: messageBytes)
            }
        }
    }

    private func start() {
        let thread = Thread { [self] in
            while !lock.withLock({ stopped }) {
                measure()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "relay-backlog-monitor"
        self.thread = thread
        thread.start()
    }

    private func measure() {
        if lock.withLock({ partitions.isEmpty }) {
            var found: [TopicPartition] = []
            for topic in topics {
                guard let numbers = probe.partitions(of: topic) else { return }
                found += numbers.map { TopicPartition(topic: topic, partition: $0) }
            }
            lock.withLock { partitions = found }
        }
        // Messages acknowledged while the probe runs are in both its figures and `sentSince`:
        // counted twice until the next round, which errs on the safe side.
        let snapshotSent = lock.withLock { sentSince }
        // Every round: offsets measured against one cluster must not be counted for another.
        if let cluster = probe.clusterID(timeoutMs: 1_000), cluster != lock.withLock({ currentClusterID }) {
            logger.warning("relay: the broker is now cluster \(cluster), was \(currentClusterID) (restarted?)")
            lock.withLock { currentClusterID = cluster }
        }
        guard var measured = probe.backlog(lock.withLock { partitions }) else { return }
        if let stored = storedOffsets(clusterID: lock.withLock { currentClusterID }) {
            // PostgreSQL's offsets, where the processors commit with the data, are the truth:
            // Kafka's are advice, and from a processor that still counts another cluster's
            // offsets they would be wrong. A partition without a row there is not committed.
            measured = measured.map { state in
                PartitionBacklog(partition: state.partition, low: state.low, high: state.high, committed: stored[state.partition])
            }
        }
        let nowFull = lock.withLock { () -> TopicPartition? in
            for (partition, count) in snapshotSent {
                let remaining = (sentSince[partition] ?? 0) - count
                sentSince[partition] = remaining > 0 ? remaining : nil
            }
            backlog = measured
            var committed: [TopicPartition: Int64] = [:]
            var logStart: [TopicPartition: Int64] = [:]
            for state in measured {
                committed[state.partition] = state.committed
                logStart[state.partition] = state.low
            }
            lastMeasurement = Measurement(clusterID: currentClusterID, committed: committed, logStart: logStart)
            full = headroom.fullPartition(measured, sentSince: sentSince, messageBytes: messageBytes)
            return full
        }
        report(nowFull, measured: measured)
    }

    /// The processors' offsets in PostgreSQL for this cluster, or nil without a database (then
    /// Kafka's alone count; a failure is logged once until it works again).
    private func storedOffsets(clusterID: String) -> [TopicPartition: Int64]? {
        guard let databaseURL else { return nil }
        do {
            let db = try database ?? PGConnection(url: databaseURL)
            database = db
            var result: [TopicPartition: Int64] = [:]
            for position in try ConsumerOffsetRepository(db).committed(group: group, clusterID: clusterID) {
                result[TopicPartition(topic: position.topic, partition: position.partition)] = position.nextOffset
            }
            if databaseFailing {
                databaseFailing = false
                logger.notice("relay: backlog monitor reads the processors' offsets from PostgreSQL again")
            }
            return result
        } catch {
            database?.close()
            database = nil
            if !databaseFailing {
                databaseFailing = true
                logger.warning("relay: backlog monitor cannot read the processors' offsets from PostgreSQL (\(error)); using Kafka's")
            }
            return nil
        }
    }

    /// Logs a change of state since the last report (only this thread touches `reportedFull`).
    private func report(_ nowFull: TopicPartition?, measured: [PartitionBacklog]) {
        let unread = measured.reduce(Int64(0)) { $0 + $1.unread }
        Gauge(label: "faultline_relay_embedded_broker_unread_messages").record(unread)
        defer { reportedFull = nowFull != nil }
        if let partition = nowFull, !reportedFull {
            logger.warning("relay: the processors are \(unread) messages behind and \(partition) of the embedded broker is near its 5 MiB limit; answering 503 until they catch up")
        } else if nowFull == nil, reportedFull {
            logger.notice("relay: the processors caught up (\(unread) messages behind); accepting again")
        }
    }

    public func stop() {
        lock.withLock { stopped = true }
        while thread?.isFinished == false { usleep(10_000) }
        probe.close()
        database?.close()
    }
}
