import Foundation
import Kafka
import Logging
import Testing

@Suite(.serialized) struct KafkaTests {
    let logger = Logger(label: "test")

    @Test func producedMessagesAreAcknowledgedAndConsumed() async throws {
        let broker = try EmbeddedBroker()
        defer { broker.shutdown() }
        try broker.createTopic(TopicSpec(name: "t", partitions: 2))
        let config = KafkaConfig(bootstrapServers: broker.bootstrapServers)
        let producer = try KafkaProducer(config: config, logger: logger)
        var reports: [DeliveryReport] = []
        for i in 0..<20 {
            reports.append(try await producer.send(topic: "t", key: Array("k\(i % 4)".utf8), value: Array("v\(i)".utf8)))
        }
        #expect(Set(reports.map(\.partition)).isSubset(of: [0, 1]))
        producer.close()

        let consumer = try KafkaConsumer(config: config, groupID: "g", topics: ["t"],
                                         rebalance: RebalanceHandler(assigned: { _ in [:] }, revoked: { _ in }), logger: logger)
        defer { consumer.close() }
        var values = Set<String>()
        let deadline = Date().addingTimeInterval(30)
        while values.count < 20 && Date() < deadline {
            for message in consumer.poll(maxMessages: 100, timeoutMs: 200) {
                values.insert(String(decoding: message.value, as: UTF8.self))
            }
        }
        #expect(values == Set((0..<20).map { "v\($0)" }))
        #expect(consumer.clusterID() != nil)
    }

    @Test func assignmentStartsAtTheOffsetsTheOwnerChooses() async throws {
        let broker = try EmbeddedBroker()
        defer { broker.shutdown() }
        try broker.createTopic(TopicSpec(name: "t", partitions: 1))
        let config = KafkaConfig(bootstrapServers: broker.bootstrapServers)
        let producer = try KafkaProducer(config: config, logger: logger)
        for i in 0..<10 { try await producer.send(topic: "t", key: nil, value: Array("\(i)".utf8)) }
        producer.close()

        let consumer = try KafkaConsumer(
            config: config, groupID: "g", topics: ["t"],
            rebalance: RebalanceHandler(assigned: { partitions in
                Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(7)) })
            }, revoked: { _ in }), logger: logger)
        defer { consumer.close() }
        var offsets: [Int64] = []
        let deadline = Date().addingTimeInterval(30)
        while offsets.count < 3 && Date() < deadline {
            offsets += consumer.poll(maxMessages: 100, timeoutMs: 200).map(\.offset)
        }
        #expect(offsets == [7, 8, 9])
    }

    @Test func sendFailsWhenTheBrokerIsDownAndWorksWhenItIsBack() async throws {
        let broker = try EmbeddedBroker()
        defer { broker.shutdown() }
        try broker.createTopic(TopicSpec(name: "t", partitions: 1))
        let producer = try KafkaProducer(config: KafkaConfig(bootstrapServers: broker.bootstrapServers,
                                                             properties: ["message.timeout.ms": "1500"]), logger: logger)
        defer { producer.close() }
        try await producer.send(topic: "t", key: nil, value: [1])
        try broker.setDown()
        await #expect(throws: KafkaError.self) { try await producer.send(topic: "t", key: nil, value: [2]) }
        try broker.setUp()
        // Delivery resumes once the client reconnects (backoff capped at one second).
        var report: DeliveryReport?
        let deadline = Date().addingTimeInterval(30)
        while report == nil && Date() < deadline {
            report = try? await producer.send(topic: "t", key: nil, value: [3])
        }
        #expect((report?.offset ?? -1) >= 1)
    }

    @Test func twoMembersSplitThePartitions() async throws {
        let broker = try EmbeddedBroker()
        defer { broker.shutdown() }
        try broker.createTopic(TopicSpec(name: "t", partitions: 4))
        let config = KafkaConfig(bootstrapServers: broker.bootstrapServers)
        let handler = RebalanceHandler(assigned: { _ in [:] }, revoked: { _ in })
        let a = try KafkaConsumer(config: config, groupID: "g", topics: ["t"], rebalance: handler, logger: logger)
        let b = try KafkaConsumer(config: config, groupID: "g", topics: ["t"], rebalance: handler, logger: logger)
        defer { a.close(); b.close() }
        let deadline = Date().addingTimeInterval(40)
        while Date() < deadline {
            _ = a.poll(maxMessages: 1, timeoutMs: 100)
            _ = b.poll(maxMessages: 1, timeoutMs: 100)
            if a.assignment.count == 2 && b.assignment.count == 2 { break }
        }
        #expect(a.assignment.count == 2)
        #expect(b.assignment.count == 2)
        #expect(a.assignment.isDisjoint(with: b.assignment))
    }

    /// Every message the producer reports delivered is in the log while the broker fails produce
    /// requests. With librdkafka's default of 5 requests in flight the mock cluster lost
    /// acknowledged messages here (2,000 acknowledged, 1,946 in the log, one message per
    /// request): see `EmbeddedBroker.producerProperties`.
    @Test func everyAcknowledgedMessageIsInTheLogDespiteInjectedProduceErrors() async throws {
        let broker = try EmbeddedBroker()
        defer { broker.shutdown() }
        try broker.createTopic(TopicSpec(name: "t", partitions: 1))
        // One message per request, so that the producer would put several requests in flight.
        let properties = EmbeddedBroker.producerProperties.merging(["batch.num.messages": "1", "linger.ms": "0"]) { $1 }
        let producer = try KafkaProducer(config: KafkaConfig(bootstrapServers: broker.bootstrapServers, properties: properties), logger: logger)
        defer { producer.close() }
        var acknowledged = 0
        for round in 0..<5 {
            broker.pushRequestErrors(apiKey: 0, count: 3, code: 19)  // NOT_ENOUGH_REPLICAS, retriable
            acknowledged += await withTaskGroup(of: Int.self) { group in
                for i in 0..<40 {
                    group.addTask { (try? await producer.send(topic: "t", key: nil, value: Array("\(round)-\(i)".utf8))) == nil ? 0 : 1 }
                }
                return await group.reduce(0, +)
            }
        }
        let probe = try KafkaBacklogProbe(config: KafkaConfig(bootstrapServers: broker.bootstrapServers), group: "g")
        defer { probe.close() }
        let log = try #require(probe.backlog([TopicPartition(topic: "t", partition: 0)])?.first)
        #expect(acknowledged == 200)
        #expect(log.high == Int64(acknowledged))
    }
}
