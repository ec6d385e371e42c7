import CRDKafka
import Foundation
import Logging

/// What the consumer asks its owner when the group coordinator moves partitions.
/// Both run on the polling thread, inside `poll`.
public struct RebalanceHandler: Sendable {
    /// Returns the offset to start each assigned partition at; a partition left out starts at
    /// Kafka's committed offset, or the earliest one.
    public var assigned: @Sendable ([TopicPartition]) -> [TopicPartition: Int64]
    public var revoked: @Sendable ([TopicPartition]) -> Void

    public init(assigned: @escaping @Sendable ([TopicPartition]) -> [TopicPartition: Int64],
                revoked: @escaping @Sendable ([TopicPartition]) -> Void) {
        self.assigned = assigned
        self.revoked = revoked
    }
}

/// A consumer-group member with manual offsets: nothing is committed unless the owner says so.
/// Not thread-safe: one thread polls, seeks and closes.
public final class KafkaConsumer: @unchecked Sendable {
    private let handle: OpaquePointer
    private let context: RebalanceContext
    private let logger: Logger
    private var closed = false

    public static let defaultProperties: [(String, String)] = [
        ("enable.auto.commit", "false"),
        ("enable.auto.offset.store", "false"),
        ("auto.offset.reset", "earliest"),
        ("partition.assignment.strategy", "range"),
        ("session.timeout.ms", "10000"),
        ("heartbeat.interval.ms", "1000"),
        ("enable.partition.eof", "false"),
        ("reconnect.backoff.max.ms", "1000"),
    ]

    public init(config: KafkaConfig, groupID: String, topics: [String], rebalance: RebalanceHandler, logger: Logger) throws {
        self.logger = logger
        context = RebalanceContext(handler: rebalance, logger: logger)
        var pairs = RDConf.pairs(config, defaults: Self.defaultProperties)
        pairs.insert(("group.id", groupID), at: 0)
        let conf = try RDConf.make(pairs)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
            guard let rk, let opaque else { return }
            Unmanaged<RebalanceContext>.fromOpaque(opaque).takeUnretainedValue().rebalance(rk, err, partitions)
        }
        handle = try RDConf.client(type: RD_KAFKA_CONSUMER, conf: conf)
        rd_kafka_poll_set_consumer(handle)
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        for topic in topics {
            rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        }
        let err = rd_kafka_subscribe(handle, list)
        rd_kafka_topic_partition_list_destroy(list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            rd_kafka_destroy(handle)
            throw KafkaError(.consumer, rdError: err)
        }
    }

    /// The partitions this member owns now.
    public var assignment: Set<TopicPartition> { context.assignment }

    /// Waits up to `timeoutMs` for a first message, then takes what is already fetched, up to
    /// `maxMessages`. Messages of partitions revoked meanwhile are dropped.
    public func poll(maxMessages: Int, timeoutMs: Int32) -> [KafkaMessage] {
        var batch: [KafkaMessage] = []
        batch.reserveCapacity(min(maxMessages, 1024))
        var wait = timeoutMs
        while batch.count < maxMessages {
            guard let raw = rd_kafka_consumer_poll(handle, wait) else { break }
            defer { rd_kafka_message_destroy(raw) }
            wait = 0
            let message = raw.pointee
            if message.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if message.err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    logger.warning("kafka consumer: \(String(cString: rd_kafka_err2str(message.err)))")
                }
                continue
            }
            let topic = String(cString: rd_kafka_topic_name(message.rkt))
            let value = message.payload.map {
                Array(UnsafeRawBufferPointer(start: $0, count: message.len))
            } ?? []
            let key = message.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.key_len)) }
            batch.append(KafkaMessage(topic: topic, partition: message.partition, offset: message.offset,
                                      key: key, value: value, headers: Self.headers(of: raw)))
        }
        let owned = context.assignment
        return batch.filter { owned.contains(TopicPartition(topic: $0.topic, partition: $0.partition)) }
    }

    /// A consumed message's headers (none for most: the relay's spool adds one).
    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var headers: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            if let name {
                let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                headers.append(KafkaHeader(name: String(cString: name), value: bytes))
            }
            index += 1
        }
        return headers
    }

    /// Moves a partition's read position, dropping anything already fetched for it.
    public func seek(_ partition: TopicPartition, to offset: Int64) throws {
        let list = rd_kafka_topic_partition_list_new(1)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition).pointee.offset = offset
        if let error = rd_kafka_seek_partitions(handle, list, 10_000) {
            let text = String(cString: rd_kafka_error_string(error))
            rd_kafka_error_destroy(error)
            throw KafkaError(.consumer, "seek \(partition) to \(offset): \(text)")
        }
    }

    /// Commits offsets to Kafka asynchronously. Advisory only (for lag tools): the owner keeps
    /// the authoritative offsets elsewhere.
    public func commitAdvisory(_ offsets: [TopicPartition: Int64]) {
        guard !offsets.isEmpty else { return }
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in offsets {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition).pointee.offset = offset
        }
        _ = rd_kafka_commit(handle, list, 1)
    }

    /// The partition's end offset as librdkafka last saw it (from fetch responses; no request),
    /// or nil while it is not known.
    public func highWatermark(_ partition: TopicPartition) -> Int64? {
        var low: Int64 = 0, high: Int64 = 0
        let err = rd_kafka_get_watermark_offsets(handle, partition.topic, partition.partition, &low, &high)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 else { return nil }
        return high
    }

    /// The partition's first offset still in the log (asks the broker), or nil when it does not answer.
    public func logStart(_ partition: TopicPartition, timeoutMs: Int32 = 5_000) -> Int64? {
        var low: Int64 = 0, high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMs)
        return err == RD_KAFKA_RESP_ERR_NO_ERROR ? low : nil
    }

    /// The cluster's id, which tells a restarted in-memory broker from the one offsets came from.
    public func clusterID(timeoutMs: Int32 = 10_000) -> String? {
        ClusterIdentity.read(handle, timeoutMs: timeoutMs)
    }

    /// Leaves the group (revoking partitions through the handler) and releases the client.
    public func close() {
        guard !closed else { return }
        closed = true
        rd_kafka_consumer_close(handle)
        rd_kafka_destroy(handle)
    }
}

private final class RebalanceContext: @unchecked Sendable {
    let handler: RebalanceHandler
    let logger: Logger
    private let lock = NSLock()
    private var owned: Set<TopicPartition> = []

    init(handler: RebalanceHandler, logger: Logger) {
        self.handler = handler
        self.logger = logger
    }

    var assignment: Set<TopicPartition> { lock.withLock { owned } }

    func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t,
                   _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        let partitions = list.map(Self.partitions) ?? []
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            let starts = handler.assigned(partitions)
            if let list {
                for index in 0..<Int(list.pointee.cnt) {
                    let element = list.pointee.elems[index]
                    let key = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
                    if let start = starts[key] { list.pointee.elems[index].offset = start }
                }
            }
            lock.withLock { owned = Set(partitions) }
            logger.info("kafka consumer: assigned \(partitions.map(\.description).sorted().joined(separator: ", "))")
            rd_kafka_assign(rk, list)
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            lock.withLock { owned = [] }
            handler.revoked(partitions)
            logger.info("kafka consumer: revoked \(partitions.count) partition(s)")
            rd_kafka_assign(rk, nil)
        default:
            logger.warning("kafka consumer: rebalance error \(String(cString: rd_kafka_err2str(err)))")
            lock.withLock { owned = [] }
            rd_kafka_assign(rk, nil)
        }
    }

    static func partitions(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [TopicPartition] {
        (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return TopicPartition(topic: String(cString: element.topic), partition: element.partition)
        }
    }
}
