import CRDKafka
import Foundation
import Logging

/// An idempotent producer (`enable.idempotence=true`, `acks=all`) whose `send` returns only
/// after the broker's delivery report, so a caller can acknowledge durably.
public final class KafkaProducer: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = NSLock()
    private var topics: [String: OpaquePointer] = [:]
    private var closed = false
    private var pollThread: Thread?
    private let logger: Logger

    /// Producer defaults; `config.properties` may override any of them.
    public static let defaultProperties: [(String, String)] = [
        ("enable.idempotence", "true"),
        ("acks", "all"),
        ("linger.ms", "2"),
        ("message.timeout.ms", "10000"),
        ("queue.buffering.max.messages", "100000"),
        ("compression.type", "lz4"),
        // librdkafka's default (1,000,000 bytes) is below the relay's own item limits (an event
        // may be 1 MiB, an attachment 200 MiB): such items were answered 503 forever. The
        // broker's or topic's max.message.bytes must allow them too.
        ("message.max.bytes", "220000000"),
        // Reconnect quickly after a broker outage so the relay stops answering 503 within seconds.
        ("reconnect.backoff.max.ms", "1000"),
    ]

    public init(config: KafkaConfig, logger: Logger) throws {
        self.logger = logger
        let conf = try RDConf.make(RDConf.pairs(config, defaults: Self.defaultProperties))
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
            guard let message, let opaque = message.pointee._private else { return }
            let box = Unmanaged<DeliveryBox>.fromOpaque(opaque).takeRetainedValue()
            let err = message.pointee.err
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                box.continuation.resume(returning: DeliveryReport(
                    partition: message.pointee.partition, offset: message.pointee.offset))
            } else {
                box.continuation.resume(throwing: KafkaError(.delivery, rdError: err))
            }
        }
        handle = try RDConf.client(type: RD_KAFKA_PRODUCER, conf: conf)
        let thread = Thread { self.serveDeliveryReports() }
        thread.name = "kafka-producer-poll"
        pollThread = thread
        thread.start()
    }

    private var isClosed: Bool { lock.withLock { closed } }

    /// Runs on the poll thread until close(), which serves the rest itself while flushing.
    private func serveDeliveryReports() {
        while !isClosed {
            rd_kafka_poll(handle, 50)
        }
    }

    /// Sends one message and waits for the broker's acknowledgement.
    /// Throws `.queueFull` at once when librdkafka's local queue is full (backpressure).
    @discardableResult
    public func send(topic: String, key: [UInt8]?, value: [UInt8]) async throws -> DeliveryReport {
        let topicHandle = try topicHandle(topic)
        return try await withCheckedThrowingContinuation { continuation in
            let box = Unmanaged.passRetained(DeliveryBox(continuation)).toOpaque()
            let result = value.withUnsafeBytes { valueBytes -> Int32 in
                if let key {
                    return key.withUnsafeBytes { keyBytes in
                        rd_kafka_produce(topicHandle, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                                         UnsafeMutableRawPointer(mutating: valueBytes.baseAddress), valueBytes.count,
                                         keyBytes.baseAddress, keyBytes.count, box)
                    }
                }
                return rd_kafka_produce(topicHandle, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                                        UnsafeMutableRawPointer(mutating: valueBytes.baseAddress), valueBytes.count,
                                        nil, 0, box)
            }
            if result != 0 {
                Unmanaged<DeliveryBox>.fromOpaque(box).release()
                let err = rd_kafka_last_error()
                let kind: KafkaError.Kind = err == RD_KAFKA_RESP_ERR__QUEUE_FULL ? .queueFull : .delivery
                continuation.resume(throwing: KafkaError(kind, rdError: err))
            }
        }
    }

    /// True when the cluster answers a metadata request within the timeout (readiness checks).
    public func isBrokerReachable(timeoutMs: Int32) -> Bool {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 0, nil, &metadata, timeoutMs)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        return err == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Waits until every queued message is delivered or failed (graceful shutdown).
    public func flush(timeoutMs: Int32 = 10_000) -> Bool {
        rd_kafka_flush(handle, timeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Flushes, then releases the client. Sends after close fail.
    public func close() {
        let wasOpen = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        guard wasOpen else { return }
        if !flush() {
            logger.warning("kafka producer: messages still undelivered at shutdown; failing them")
            rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            rd_kafka_poll(handle, 0)
        }
        while pollThread?.isFinished == false { usleep(10_000) }
        let handles = lock.withLock { topics.values }
        for topic in handles { rd_kafka_topic_destroy(topic) }
        rd_kafka_destroy(handle)
    }

    private func topicHandle(_ name: String) throws -> OpaquePointer {
        try lock.withLock {
            if closed { throw KafkaError(.shutdown, "producer is closed") }
            if let existing = topics[name] { return existing }
            guard let created = rd_kafka_topic_new(handle, name, nil) else {
                throw KafkaError(.configuration, "cannot create topic handle \(name)")
            }
            topics[name] = created
            return created
        }
    }
}

private final class DeliveryBox {
    let continuation: CheckedContinuation<DeliveryReport, any Error>
    init(_ continuation: CheckedContinuation<DeliveryReport, any Error>) { self.continuation = continuation }
}
