import EventModel
import Foundation
import Kafka
import Logging
import Postgres
import Processor

/// Backlog tool for bench/processor_backlog.sh:
///   bench-backlog produce BOOTSTRAP TOPIC ENVELOPE PROJECT KEY COUNT ISSUES
///     fills TOPIC with COUNT ingest messages made from the event in ENVELOPE (uncompressed),
///     each with its own event id, spread over ISSUES exception types and 1,000 users;
///   bench-backlog consume BOOTSTRAP TOPIC COUNT
///     reference: reads COUNT messages with a fresh consumer group, and does nothing else;
///   bench-backlog drain BOOTSTRAP GROUP TOPIC[,TOPIC…]
///     reads and commits as GROUP until killed: processors that keep up, for benchmarks of
///     relays alone (their embedded-broker backlog guard follows GROUP's committed offsets);
///   bench-backlog normalize ENVELOPE COUNT
///     reference: runs the processor's normalizer (scrubbing, grouping) on COUNT messages, in memory;
///   bench-backlog write ENVELOPE COUNT DATABASE_URL PROJECT
///     the processor's work per event without Kafka, on one thread: normalizes COUNT messages and
///     writes them with `EventWriter` in transactions of 1,000 (for callgrind, which cannot run
///     the processor itself).
let arguments = Array(CommandLine.arguments.dropFirst())
var logger = Logger(label: "bench-backlog")
logger.logLevel = .warning

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bench-backlog: \(message)\n".utf8))
    exit(2)
}

func event(fromEnvelope path: String) -> [String: JSON] {
    guard let bytes = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    guard let envelope = try? EnvelopeParser.parse(Array(bytes)),
          let item = envelope.items.first(where: { $0.type == "event" }),
          case .object(let json)? = try? JSON.parse(item.payload) else { fail("\(path) holds no event item") }
    return json
}

func messages(_ template: [String: JSON], project: Int64, key: Int64, count: Int, issues: Int) -> [[UInt8]] {
    let now = Date().timeIntervalSince1970
    return (0..<count).map { i in
        var json = template
        let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        json["event_id"] = .string(id)
        json["user"] = ["id": .string("user-\(i % 1000)")]
        if case .object(var exception)? = json["exception"], case .array(var values)? = exception["values"],
           case .object(var last)? = values.last {
            last["type"] = .string("BenchError\(i % issues)")
            values[values.count - 1] = .object(last)
            exception["values"] = .array(values)
            json["exception"] = .object(exception)
        }
        let metadata = IngestMessage.Metadata(type: "event", eventID: id, projectID: project, keyID: key, received: now,
                                              clientIP: "127.0.0.1", sdk: "sentry.python/bench", sentAt: nil)
        return IngestMessage(metadata: metadata, payload: JSON.object(json).encoded()).encoded()
    }
}

func rate(_ count: Int, since start: Date) -> String {
    String(format: "%.0f", Double(count) / Date().timeIntervalSince(start))
}

switch arguments.first {
case "produce" where arguments.count == 8:
    let (bootstrap, topic) = (arguments[1], arguments[2])
    guard let project = Int64(arguments[4]), let key = Int64(arguments[5]), let count = Int(arguments[6]),
          let issues = Int(arguments[7]), issues > 0 else { fail("bad numbers") }
    let payloads = messages(event(fromEnvelope: arguments[3]), project: project, key: key, count: count, issues: issues)
    let producer = try KafkaProducer(config: KafkaConfig(bootstrapServers: bootstrap), logger: logger)
    let start = Date()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (index, payload) in payloads.enumerated() {
            // Keyed by index: spread evenly over the partitions, as many clients' events are.
            let key = Array(String(index).utf8)
            group.addTask { _ = try await producer.send(topic: topic, key: key, value: payload) }
            if index % 2000 == 1999 { try await group.waitForAll() }
        }
        try await group.waitForAll()
    }
    producer.close()
    print("produced \(count) messages (\(payloads.first?.count ?? 0) bytes each) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
case "consume" where arguments.count == 4:
    guard let count = Int(arguments[3]) else { fail("bad count") }
    let consumer = try KafkaConsumer(
        config: KafkaConfig(bootstrapServers: arguments[1], properties: ["fetch.wait.max.ms": "20"]),
        groupID: "bench-consume-\(UUID().uuidString)", topics: [arguments[2]],
        rebalance: RebalanceHandler(assigned: { _ in [:] }, revoked: { _ in }), logger: logger)
    var seen = 0
    var start: Date?
    var last = Date()
    // Stops at COUNT, or after 10 s without a message (the rate is then over what was read).
    while seen < count && Date().timeIntervalSince(last) < 10 {
        let batch = consumer.poll(maxMessages: 500, timeoutMs: 1000)
        if !batch.isEmpty {
            if start == nil { start = Date() }
            last = Date()
        }
        seen += batch.count
    }
    consumer.close()
    let elapsed = max(0.001, last.timeIntervalSince(start ?? last))
    print("consumed \(seen) messages at \(String(format: "%.0f", Double(seen) / elapsed)) messages/s (reference: reading only)")
case "normalize" where arguments.count == 3:
    guard let count = Int(arguments[2]) else { fail("bad count") }
    let payloads = messages(event(fromEnvelope: arguments[1]), project: 1, key: 1, count: count, issues: 200)
    let start = Date()
    var bytes = 0
    for payload in payloads {
        let message = try IngestMessage.decode(payload)
        bytes += try EventPipeline.process(message).payload.utf8.count
    }
    print("normalized \(count) events at \(rate(count, since: start)) events/s on one core (reference: no I/O; \(bytes / max(count, 1)) bytes stored per event)")
case "write" where arguments.count == 5:
    guard let count = Int(arguments[2]), let project = Int64(arguments[4]) else { fail("bad numbers") }
    let payloads = messages(event(fromEnvelope: arguments[1]), project: project, key: 1, count: count, issues: 200)
    let db = try PGConnection(url: arguments[3])
    try db.query("SELECT faultline_ensure_event_partition((now() AT TIME ZONE 'UTC')::date)")
    let start = Date()
    var inserted = 0
    for batch in stride(from: 0, to: payloads.count, by: 1000).map({ payloads[$0..<min($0 + 1000, payloads.count)] }) {
        let events = try batch.map { try EventPipeline.process(try IngestMessage.decode($0)) }
        inserted += try db.transaction { try EventWriter($0).write(events).inserted }
    }
    print("wrote \(inserted) of \(count) events at \(rate(count, since: start)) events/s on one thread (no Kafka)")
case "drain" where arguments.count == 4:
    let consumer = try KafkaConsumer(
        config: KafkaConfig(bootstrapServers: arguments[1], properties: ["fetch.wait.max.ms": "20"]),
        groupID: arguments[2], topics: arguments[3].split(separator: ",").map(String.init),
        rebalance: RebalanceHandler(assigned: { _ in [:] }, revoked: { _ in }), logger: logger)
    var next: [TopicPartition: Int64] = [:]
    while true {
        for message in consumer.poll(maxMessages: 5000, timeoutMs: 100) {
            next[TopicPartition(topic: message.topic, partition: message.partition)] = message.offset + 1
        }
        consumer.commitAdvisory(next)
    }
default:
    fail("usage: see Sources/bench-backlog/main.swift")
}
