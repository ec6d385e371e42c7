import CRDKafka
import Foundation

/// Which log offsets belong to: the cluster's id, plus the start epoch of an embedded broker.
/// librdkafka's mock cluster names itself from two heap addresses XORed, which differ between
/// restarts in a few hex digits only; offsets stored against a previous run of the same name would
/// be taken for this run's (a processor skipping ahead to them, a relay releasing its spool). So
/// `EmbeddedBroker` creates a topic named `faultline-epoch-<random>` at start, and the identity is
/// `<cluster id>/<random>`; a real cluster has no such topic and keeps its own id.
public enum ClusterIdentity {
    public static let epochTopicPrefix = "faultline-epoch-"

    /// The identity as `handle`'s cluster reports it now, or nil when it does not answer.
    static func read(_ handle: OpaquePointer, timeoutMs: Int32) -> String? {
        guard let raw = rd_kafka_clusterid(handle, timeoutMs) else { return nil }
        let id = String(cString: raw)
        rd_kafka_mem_free(handle, raw)
        guard id.hasPrefix("mockCluster") else { return id }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        guard rd_kafka_metadata(handle, 1, nil, &metadata, timeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return nil }
        defer { rd_kafka_metadata_destroy(metadata) }
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            guard let name = metadata.pointee.topics[index].topic else { continue }
            let topic = String(cString: name)
            if topic.hasPrefix(epochTopicPrefix) { return id + "/" + topic.dropFirst(epochTopicPrefix.count) }
        }
        // A mock cluster without the topic (not started by Faultline): its id is all there is.
        return id
    }

    /// A new epoch topic's name.
    static func newEpochTopic() -> String {
        epochTopicPrefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
