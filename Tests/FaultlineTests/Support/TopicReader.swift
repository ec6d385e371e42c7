import Foundation
import Kafka
import Logging

/// Reads everything on a topic from the start, for tests that check what the relay produced.
enum TopicReader {
    static func read(_ topic: String, bootstrap: String, until done: ([KafkaMessage]) -> Bool,
                     timeout: TimeInterval = 30) throws -> [KafkaMessage] {
        let consumer = try KafkaConsumer(
            config: KafkaConfig(bootstrapServers: bootstrap, properties: ["fetch.wait.max.ms": "20"]),
            groupID: "test-reader-\(UUID().uuidString)", topics: [topic],
            rebalance: RebalanceHandler(assigned: { _ in [:] }, revoked: { _ in }), logger: Logger(label: "reader"))
        defer { consumer.close() }
        var messages: [KafkaMessage] = []
        let deadline = Date().addingTimeInterval(timeout)
        while !done(messages) && Date() < deadline {
            messages += consumer.poll(maxMessages: 1000, timeoutMs: 100)
        }
        return messages
    }

    /// Outcome JSON objects on the outcomes topic.
    static func outcomes(bootstrap: String, until done: ([[String: Any]]) -> Bool) throws -> [[String: Any]] {
        var parsed: [[String: Any]] = []
        _ = try read("outcomes", bootstrap: bootstrap, until: { messages in
            parsed = messages.compactMap { try? JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any] }
            return done(parsed)
        })
        return parsed
    }
}
