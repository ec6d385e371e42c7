import CRDKafka
import Foundation

/// Topic administration against a real cluster (Kafka, Redpanda, MSK).
public enum KafkaAdmin {
    /// Creates the topics that do not exist yet; existing ones are left as they are. Reads the
    /// cluster's metadata first, which also tells an unreachable broker within `timeoutMs`.
    public static func createTopics(_ specs: [TopicSpec], config: KafkaConfig, timeoutMs: Int32 = 10_000) throws {
        guard !specs.isEmpty else { return }
        // Quiet: when the cluster is unreachable the thrown error says so, once.
        let conf = try RDConf.make(RDConf.pairs(config, defaults: [("log_level", "0")]))
        let rk = try RDConf.client(type: RD_KAFKA_PRODUCER, conf: conf)
        defer { rd_kafka_destroy(rk) }
        let existing = try topicNames(rk, timeoutMs: timeoutMs)
        let missing = specs.filter { !existing.contains($0.name) }
        guard !missing.isEmpty else { return }
        try create(missing, rk: rk, timeoutMs: timeoutMs)
    }

    static func topicNames(_ rk: OpaquePointer, timeoutMs: Int32) throws -> Set<String> {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(rk, 1, nil, &metadata, timeoutMs)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(.admin, "no metadata within \(timeoutMs) ms (\(String(cString: rd_kafka_err2str(err))))", code: err.rawValue)
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var names = Set<String>()
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            if topic.err == RD_KAFKA_RESP_ERR_NO_ERROR { names.insert(String(cString: topic.topic)) }
        }
        return names
    }

    static func create(_ specs: [TopicSpec], rk: OpaquePointer, timeoutMs: Int32) throws {
        let queue = rd_kafka_queue_new(rk)
        defer { rd_kafka_queue_destroy(queue) }

        var errstr = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        for spec in specs {
            guard let topic = rd_kafka_NewTopic_new(spec.name, spec.partitions, spec.replicationFactor,
                                                    &errstr, errstr.count) else {
                throw KafkaError(.admin, "topic \(spec.name): \(String(cString: errstr))")
            }
            newTopics.append(topic)
        }
        let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errstr, errstr.count)
        rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errstr, errstr.count)
        newTopics.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_CreateTopics(rk, buffer.baseAddress, buffer.count, options, queue)
        }
        guard let event = rd_kafka_queue_poll(queue, timeoutMs + 1_000) else {
            throw KafkaError(.admin, "no answer to CreateTopics within \(timeoutMs) ms: is the broker reachable?")
        }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(.admin, "CreateTopics: \(String(cString: rd_kafka_event_error_string(event)))")
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError(.admin, "CreateTopics: unexpected event")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
        for index in 0..<count {
            let topicResult = results[index]
            let err = rd_kafka_topic_result_error(topicResult)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                let name = String(cString: rd_kafka_topic_result_name(topicResult))
                let text = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? ""
                throw KafkaError(.admin, "create topic \(name): \(text)", code: err.rawValue)
            }
        }
    }
}
