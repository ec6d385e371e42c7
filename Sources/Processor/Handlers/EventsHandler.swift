import EventModel
import Kafka
import Logging
import Metrics

/// The `ingest-events` topic: each message through the `EventPipeline` stages, then written by
/// `EventWriter` (issues, rollups, tags). Messages that do not decode or fail a stage become
/// dead letters.
public final class EventsHandler: TopicHandler {
    public let topic: String
    private let pipeline: EventPipeline
    private var partitions = EventPartitions()

    public init(topic: String, pipeline: EventPipeline) {
        self.topic = topic
        self.pipeline = pipeline
    }

    public func handle(_ messages: [KafkaMessage], database: DatabaseSession) -> TopicWrite {
        let decoded = messages.map { message in Result { try IngestMessage.decode(message.value) } }
        let context = pipeline.prepare(projects: Set(decoded.compactMap { try? $0.get().metadata.projectID }))
        let ingested = decoded.compactMap { try? $0.get() }
        var results = pipeline.process(batch: ingested, context).makeIterator()
        var events: [ProcessedEvent] = []
        var deadLetters: [DeadLetter] = []
        for (message, ingest) in zip(messages, decoded) {
            do {
                _ = try ingest.get()
                // One result per decoded message, in order.
                guard let result = results.next() else { throw EventFailure.undecodable("internal: no result for the message") }
                events.append(try result.get())
            } catch {
                deadLetters.append(DeadLetter(
                    topic: message.topic, partition: message.partition, offset: message.offset,
                    projectID: projectID(of: message), reason: String(describing: error), payload: message.value))
            }
        }
        return TopicWrite(
            deadLetters: deadLetters,
            prepare: { [self] db in try partitions.ensure(events.map(\.timestamp), db) },
            write: { tx in
                let result = try EventWriter(tx).write(events)
                return {
                    Counter(label: "faultline_processor_events_total", dimensions: [("result", "inserted")]).increment(by: result.inserted)
                    Counter(label: "faultline_processor_events_total", dimensions: [("result", "duplicate")]).increment(by: result.duplicates)
                    Counter(label: "faultline_processor_issues_created_total").increment(by: result.newIssues)
                    Counter(label: "faultline_processor_events_total", dimensions: [("result", "erased")]).increment(by: result.erased)
                }
            })
    }

    public func projectID(of message: KafkaMessage) -> Int64? { IngestMessage.projectID(of: message.value) }
}
