import CRDKafka
import Foundation

/// librdkafka's built-in mock cluster: a real Kafka protocol listener on loopback, in memory.
/// It is the broker when none is configured; its log does not survive the process.
public final class EmbeddedBroker: @unchecked Sendable {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    public let bootstrapServers: String
    public let brokerCount: Int32
    private let lock = NSLock()
    private var destroyed = false

    /// Producer settings a client of the mock cluster needs. With more than one produce request
    /// in flight, the mock appends a later batch after failing an earlier one, then answers the
    /// earlier one's retry as a duplicate sequence, which librdkafka reports as delivered: the
    /// message is acknowledged but never in the log. A real broker rejects the out-of-order batch.
    public static let producerProperties: [String: String] = ["max.in.flight.requests.per.connection": "1"]

    public init(brokers: Int32 = 1) throws {
        // The mock cluster needs a client instance for its bookkeeping; it never sends anything.
        let conf = try RDConf.make([("log_level", "3")])
        owner = try RDConf.client(type: RD_KAFKA_PRODUCER, conf: conf)
        guard let cluster = rd_kafka_mock_cluster_new(owner, brokers) else {
            rd_kafka_destroy(owner)
            throw KafkaError(.clientCreation, "cannot start the embedded mock cluster")
        }
        self.cluster = cluster
        brokerCount = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        // This start's epoch, part of the cluster identity clients read (`ClusterIdentity`).
        try createTopic(TopicSpec(name: ClusterIdentity.newEpochTopic(), partitions: 1))
    }

    public func createTopic(_ spec: TopicSpec) throws {
        let err = rd_kafka_mock_topic_create(cluster, spec.name, spec.partitions,
                                             min(spec.replicationFactor, brokerCount))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
            throw KafkaError(.admin, rdError: err)
        }
    }

    /// Disconnects a broker (`-1`: all) and refuses new connections, for fault tests.
    public func setDown(broker: Int32 = -1) throws {
        let err = rd_kafka_mock_broker_set_down(cluster, broker)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(.admin, rdError: err) }
    }

    public func setUp(broker: Int32 = -1) throws {
        let err = rd_kafka_mock_broker_set_up(cluster, broker)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(.admin, rdError: err) }
    }

    /// Makes the cluster answer the next `count` requests of Kafka API `apiKey` (0 Produce,
    /// 1 Fetch, 8 OffsetCommit, …) with error `code` instead of serving them, for fault tests.
    public func pushRequestErrors(apiKey: Int16, count: Int, code: Int32) {
        let errors = [rd_kafka_resp_err_t](repeating: rd_kafka_resp_err_t(rawValue: code), count: count)
        errors.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, buffer.count, buffer.baseAddress)
        }
    }

    public func shutdown() {
        let first = lock.withLock { () -> Bool in
            defer { destroyed = true }
            return !destroyed
        }
        guard first else { return }
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    deinit { shutdown() }
}
