import CRDKafka
import Foundation

/// Topic administration against a real cluster (Kafka, Redpanda, MSK).
public enum KafkaAdmin {
    /// Creates the topics that do not exist yet; existing ones are left as they are.
    public static func createTopics(_ specs: [TopicSpec], config: KafkaConfig, timeoutMs: Int32 = 15_000) throws {
        guard !specs.isEmpty else { return }
        let conf = try RDConf.make(RDConf.pairs(config, defaults: []))
        let rk = try RDConf.client(type: RD_KAFKA_PRODUCER, conf: conf)
        defer { rd_kafka_destroy(rk) }
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
