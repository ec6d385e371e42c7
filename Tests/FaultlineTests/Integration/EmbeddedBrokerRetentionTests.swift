import Core
import EventModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Kafka
import Logging
import Postgres
import Processor
import Relay
import Testing
import Web

/// librdkafka's mock cluster keeps at most 5 MiB per partition and deletes the oldest message
/// sets beyond that: the relay must stop acknowledging before the processors' unread backlog
/// reaches it, and a processor must step over a range the broker deleted instead of waiting on it.
@Suite(.serialized) struct EmbeddedBrokerRetentionTests {
    let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()
    let topics = Topics()
    let group = "faultline-processor"

    /// A JSON event of about `bytes` whose message lz4 cannot shrink (random hex).
    static func bigEvent(bytes: Int) -> String {
        let noise = (0..<(bytes / 32)).map { _ in UUID().uuidString.replacingOccurrences(of: "-", with: "") }.joined()
        return "{\"message\":\"\(noise)\",\"level\":\"error\",\"platform\":\"python\"}"
    }

    /// A fresh database with one tenant, and an embedded broker with one partition per topic.
    func withTenantAndBroker(_ body: (TestDatabase, PGConnection, TestTenant, EmbeddedBroker) async throws -> Void) async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            defer { db.close() }
            let broker = try EmbeddedBroker()
            defer { broker.shutdown() }
            for topic in topics.all { try broker.createTopic(TopicSpec(name: topic, partitions: 1)) }
            try await body(database, db, try TestTenant.create(db), broker)
        }
    }

    @Test func relayAnswers503BeforeTheBrokerDeletesUnreadEventsAndAcceptsAgainOnceRead() async throws {
        try await withTenantAndBroker { database, db, tenant, broker in
            let kafka = KafkaConfig(bootstrapServers: broker.bootstrapServers)
            let producer = try KafkaProducer(config: kafka, logger: logger)
            let pool = PGPool(url: database.url, size: 2)
            let monitor = try #require(try BacklogMonitor.startIfEmbedded(
                kafka: kafka, group: group, topics: ProcessorTopics.consumed(topics), interval: 0.05, logger: logger))
            let router = Router(context: FaultlineRequestContext.self)
            IngestRoutes(producer: producer, pool: pool, topics: topics, backlog: monitor, logger: logger).add(to: router)
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
            let auth = "Sentry sentry_key=\(tenant.key.publicKey), sentry_version=7, sentry_client=test/1"
            let path = "/api/\(tenant.project.id)/store/"

            try await app.test(.live) { client in
                var statuses: [Int] = []
                var detail = ""
                // 40 events of 200 KB (8 MB) with nobody reading: more than the 5 MiB partition holds.
                for _ in 0..<40 {
                    let response = try await client.execute(uri: path, method: .post, headers: [.init("X-Sentry-Auth")!: auth],
                                                            body: ByteBuffer(string: Self.bigEvent(bytes: 200_000)))
                    statuses.append(Int(response.status.code))
                    if response.status == .serviceUnavailable { detail = String(buffer: response.body) }
                }
                let accepted = statuses.filter { $0 == 200 }.count
                #expect(accepted >= 10)
                #expect(statuses.filter { $0 == 503 }.count == 40 - accepted)
                #expect(detail.contains("failed to queue envelope"))

                // Every acknowledged event is still in the log: nothing was deleted.
                let probe = try KafkaBacklogProbe(config: kafka, group: group)
                defer { probe.close() }
                let events = try #require(probe.backlog([TopicPartition(topic: topics.events, partition: 0)])?.first)
                #expect(events.low == 0)
                #expect(events.high == Int64(accepted))

                // A consumer group that reads and commits makes room again.
                let consumer = try KafkaConsumer(config: kafka, groupID: group, topics: ProcessorTopics.consumed(topics),
                                                 rebalance: RebalanceHandler(assigned: { _ in [:] }, revoked: { _ in }), logger: logger)
                defer { consumer.close() }
                var next: [TopicPartition: Int64] = [:]
                var status = 503
                let deadline = Date().addingTimeInterval(30)
                while status != 200 && Date() < deadline {
                    for message in consumer.poll(maxMessages: 1000, timeoutMs: 100) {
                        next[TopicPartition(topic: message.topic, partition: message.partition)] = message.offset + 1
                    }
                    consumer.commitAdvisory(next)
                    if monitor.fullPartition == nil {
                        let response = try await client.execute(uri: path, method: .post, headers: [.init("X-Sentry-Auth")!: auth],
                                                                body: ByteBuffer(string: Self.bigEvent(bytes: 1_000)))
                        status = Int(response.status.code)
                    }
                }
                #expect(status == 200)
            }
            monitor.stop()
            producer.close()
            await pool.shutdown()
        }
    }

    @Test func processorRecordsARangeTheBrokerDeletedAndGoesOn() async throws {
        try await withTenantAndBroker { database, db, tenant, broker in
            let kafka = KafkaConfig(bootstrapServers: broker.bootstrapServers, properties: ["fetch.wait.max.ms": "20"])
            let producer = try KafkaProducer(config: kafka, logger: logger)
            defer { producer.close() }
            func send(_ count: Int, bytes: Int) async throws {
                for _ in 0..<count {
                    let message = IngestMessage(
                        metadata: .init(type: "event", eventID: EventID.generate(), projectID: tenant.project.id, keyID: tenant.key.id,
                                        received: Date().timeIntervalSince1970, clientIP: nil, sdk: nil, sentAt: nil),
                        payload: Array(Self.bigEvent(bytes: bytes).utf8))
                    try await producer.send(topic: topics.events, key: nil, value: message.encoded())
                }
            }
            let settings = ProcessorWorker.Settings(kafka: kafka, databaseURL: database.url, group: group,
                                                    topics: topics,
                                                    batchSize: 100, drainOnStop: false)
            func runProcessor(until done: () throws -> Bool) throws {
                let worker = ProcessorWorker(settings: settings, logger: logger)
                let thread = Thread { try? worker.run() }
                thread.start()
                let deadline = Date().addingTimeInterval(60)
                while try !done() && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
                worker.stop()
                while !worker.isFinished { Thread.sleep(forTimeInterval: 0.05) }
            }
            func storedEvents() throws -> Int64 { try db.query("SELECT count(*) AS n FROM events").rows[0].int("n") }

            try await send(2, bytes: 1_000)
            try runProcessor { try storedEvents() == 2 }
            #expect(try storedEvents() == 2)

            // With the processor stopped, 9 MB arrive: the broker deletes the oldest of them.
            try await send(30, bytes: 300_000)
            let probe = try KafkaBacklogProbe(config: kafka, group: group)
            defer { probe.close() }
            let log = try #require(probe.backlog([TopicPartition(topic: topics.events, partition: 0)])?.first)
            #expect(log.low > 2)
            #expect(log.high == 32)

            try runProcessor { try storedEvents() == 2 + (log.high - log.low) }
            #expect(try storedEvents() == 2 + (log.high - log.low))
            let letters = try db.query("SELECT kafka_offset, reason FROM dead_letters")
            #expect(letters.rows.count == 1)
            #expect(try letters.rows.first?.int("kafka_offset") == 2)
            #expect(try letters.rows.first?.string("reason").contains("offsets 2..<\(log.low) (\(log.low - 2) messages) were deleted by the broker's retention") == true)
            let position = try db.query("SELECT next_offset FROM consumer_offsets WHERE topic = $1", [topics.events])
            #expect(try position.rows.first?.int("next_offset") == 32)
        }
    }
}
