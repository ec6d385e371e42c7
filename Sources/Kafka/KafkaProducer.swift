import CRDKafka
import Foundation
import Logging

/// An idempotent producer (`enable.idempotence=true`, `acks=all`) whose `send` returns only
/// after the broker's delivery report, so a caller can acknowledge durably.
public final class KafkaProducer: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = NSLock()
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
                box.complete(.success(DeliveryReport(partition: message.pointee.partition, offset: message.pointee.offset)))
            } else {
                box.complete(.failure(KafkaError(.delivery, rdError: err)))
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
        try await withCheckedThrowingContinuation { continuation in
            do {
                try produce(topic: topic, key: key, value: value) { continuation.resume(with: $0) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Queues one message (copied) and returns at once; `completion` runs on the producer's poll
    /// thread with the broker's acknowledgement or the failure, exactly once. Messages queued one
    /// after another reach a partition in that order (the producer is idempotent). Throws, without
    /// calling `completion`, when the message cannot be queued (`.queueFull`: back off and retry).
    public func produce(topic: String, key: [UInt8]?, value: [UInt8], header: KafkaHeader? = nil,
                        completion: @escaping @Sendable (Result<DeliveryReport, KafkaError>) -> Void) throws(KafkaError) {
        if isClosed { throw KafkaError(.shutdown, "producer is closed") }
        let box = Unmanaged.passRetained(DeliveryBox(completion)).toOpaque()
        let err = value.withUnsafeBytes { valueBytes in
            withOptionalBytes(key) { keyBytes in
                withOptionalBytes(header?.value) { headerBytes in
                    header.map { header in
                        header.name.withCString { name in
                            faultline_produce(handle, topic, keyBytes?.baseAddress, keyBytes?.count ?? 0,
                                              valueBytes.baseAddress, valueBytes.count, name,
                                              headerBytes?.baseAddress, headerBytes?.count ?? 0, box)
                        }
                    } ?? faultline_produce(handle, topic, keyBytes?.baseAddress, keyBytes?.count ?? 0,
                                           valueBytes.baseAddress, valueBytes.count, nil, nil, 0, box)
                }
            }
        }
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        Unmanaged<DeliveryBox>.fromOpaque(box).release()
        throw KafkaError(err == RD_KAFKA_RESP_ERR__QUEUE_FULL ? .queueFull : .delivery, rdError: err)
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
        rd_kafka_destroy(handle)
    }
}

private final class DeliveryBox {
    let complete: @Sendable (Result<DeliveryReport, KafkaError>) -> Void
    init(_ complete: @escaping @Sendable (Result<DeliveryReport, KafkaError>) -> Void) { self.complete = complete }
}

/// An empty key or header value is a non-nil pointer of length 0; nil stays nil (no key).
private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
