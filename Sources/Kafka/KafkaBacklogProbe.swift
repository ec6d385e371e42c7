import CRDKafka
import Foundation

/// Reads, for a consumer group it never joins, each partition's watermarks and committed
/// offset: how much of a topic the group has yet to read. Blocking; call it off the event loops.
public final class KafkaBacklogProbe: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = NSLock()
    private var closed = false

    public init(config: KafkaConfig, group: String) throws {
        var pairs = RDConf.pairs(config, defaults: [("enable.auto.commit", "false"), ("reconnect.backoff.max.ms", "1000")])
        pairs.insert(("group.id", group), at: 0)
        handle = try RDConf.client(type: RD_KAFKA_CONSUMER, conf: try RDConf.make(pairs))
    }

    /// The cluster's id (librdkafka's mock cluster calls itself `mockCluster…`), or nil.
    public func clusterID(timeoutMs: Int32 = 10_000) -> String? {
        ClusterIdentity.read(handle, timeoutMs: timeoutMs)
    }

    /// The partition numbers of `topic`, or nil when the cluster does not answer.
    public func partitions(of topic: String, timeoutMs: Int32 = 2_000) -> [Int32]? {
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else { return nil }
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeoutMs)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return nil }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt == 1, metadata.pointee.topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        let entry = metadata.pointee.topics[0]
        return (0..<Int(entry.partition_cnt)).map { entry.partitions[$0].id }.sorted()
    }

    /// Watermarks and committed offsets of `partitions`, or nil when the cluster does not
    /// answer within the timeout (per request).
    public func backlog(_ partitions: [TopicPartition], timeoutMs: Int32 = 1_000) -> [PartitionBacklog]? {
        guard !partitions.isEmpty else { return [] }
        guard let committed = committedOffsets(partitions, timeoutMs: timeoutMs) else { return nil }
        var result: [PartitionBacklog] = []
        result.reserveCapacity(partitions.count)
        for partition in partitions {
            var low: Int64 = 0, high: Int64 = 0
            let err = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMs)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
            result.append(PartitionBacklog(partition: partition, low: low, high: high, committed: committed[partition]))
        }
        return result
    }

    private func committedOffsets(_ partitions: [TopicPartition], timeoutMs: Int32) -> [TopicPartition: Int64]? {
        guard let list = rd_kafka_topic_partition_list_new(Int32(partitions.count)) else { return nil }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in partitions {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)
        }
        guard rd_kafka_committed(handle, list, timeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        var result: [TopicPartition: Int64] = [:]
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            // A negative offset is librdkafka's "none committed" (RD_KAFKA_OFFSET_INVALID).
            guard element.err == RD_KAFKA_RESP_ERR_NO_ERROR, element.offset >= 0 else { continue }
            result[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] = element.offset
        }
        return result
    }

    public func close() {
        let wasOpen = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        if wasOpen { rd_kafka_destroy(handle) }
    }

    deinit { close() }
}
