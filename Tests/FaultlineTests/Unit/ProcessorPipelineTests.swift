import Core
import EventModel
import Foundation
import Kafka
import Logging
import Grouping
import Store
import Testing
@testable import Processor

/// The processor's structure: topics without handlers fail at startup, stages prepare once per
/// batch, the project-settings cache loads once per batch and per TTL.
@Suite struct ProcessorPipelineTests {
    /// Counts its calls: how often `prepare` ran (and for which projects), how often `run` did.
    final class CountingStage: EventStage {
        var prepared: [Set<Int64>] = []
        var runs = 0

        func prepare(_ context: inout EventBatchContext, projects: Set<Int64>) {
            prepared.append(projects)
        }

        func run(_ event: inout WorkingEvent, _ context: EventBatchContext) throws(EventFailure) {
            runs += 1
        }
    }

    let logger = Logger(label: "test")

    func message(_ offset: Int64, project: Int64, payload: String = #"{"message":"m"}"#) -> KafkaMessage {
        let ingest = IngestMessage(metadata: .init(type: "event", eventID: nil, projectID: project, keyID: 1, received: 1_700_000_000,
                                                   clientIP: nil, sdk: nil, sentAt: nil), payload: Array(payload.utf8))
        return KafkaMessage(topic: "ingest-events", partition: 0, offset: offset, key: nil, value: ingest.encoded())
    }

    /// Never connected to: the stages here do no database I/O.
    var unusedDatabase: DatabaseSession { DatabaseSession(url: "postgresql://nobody@127.0.0.1:1/none", logger: logger) }

    @Test func aStagePreparesOncePerBatchNotPerEvent() throws {
        let counting = CountingStage()
        var pipeline = EventPipeline.standard()
        pipeline.stages.insert(counting, at: 1)
        let handler = EventsHandler(topic: "ingest-events", pipeline: pipeline)
        let messages = (0..<10).map { message(Int64($0), project: $0 % 2 == 0 ? 7 : 8) }
            + [KafkaMessage(topic: "ingest-events", partition: 0, offset: 10, key: nil, value: Array("not an ingest message".utf8))]
        let write = handler.handle(messages, database: unusedDatabase)
        #expect(counting.prepared == [[7, 8]])
        #expect(counting.runs == 10)
        #expect(write.deadLetters.map(\.offset) == [10])

        _ = handler.handle(Array(messages.prefix(3)), database: unusedDatabase)
        #expect(counting.prepared == [[7, 8], [7, 8]])
        #expect(counting.runs == 13)
    }

    /// The standard stages share one settings source: scrubbing and grouping both need it, and
    /// it is asked once per batch, for the batch's projects.
    @Test func theStandardStagesAskForProjectSettingsOncePerBatch() throws {
        final class CountingSource: ProjectSettingsSource {
            var asked: [Set<Int64>] = []
            func settings(for projects: Set<Int64>) -> [Int64: ProjectProcessing] {
                asked.append(projects)
                return Dictionary(uniqueKeysWithValues: projects.map { ($0, ProjectProcessing(scrubbing: .default, grouping: .default)) })
            }
        }
        let source = CountingSource()
        let handler = EventsHandler(topic: "ingest-events", pipeline: .standard(settings: source))
        let write = handler.handle((0..<10).map { message(Int64($0), project: $0 < 5 ? 7 : 8) }, database: unusedDatabase)
        #expect(source.asked == [[7, 8]])
        #expect(write.deadLetters.isEmpty)
    }

    @Test func aFailingStageMakesADeadLetterWithItsReason() throws {
        struct Refusing: EventStage {
            func run(_ event: inout WorkingEvent, _ context: EventBatchContext) throws(EventFailure) {
                if event.projectID == 9 { throw .undecodable("refused") }
            }
        }
        var pipeline = EventPipeline.standard()
        pipeline.stages.insert(Refusing(), at: 1)
        let write = EventsHandler(topic: "ingest-events", pipeline: pipeline)
            .handle([message(0, project: 1), message(1, project: 9)], database: unusedDatabase)
        #expect(write.deadLetters.map(\.offset) == [1])
        #expect(write.deadLetters.first?.reason == "refused")
        #expect(write.deadLetters.first?.projectID == 9)
    }

    @Test func settingsCacheLoadsABatchsProjectsOnceAndAgainAfterItsTTL() throws {
        var now = Date(timeIntervalSince1970: 1_700_000_000)
        var loads: [[Int64]] = []
        let cache = ProjectSettingsCache(ttl: 10, now: { now }, logger: logger) { ids in
            loads.append(ids)
            return Dictionary(uniqueKeysWithValues: ids.map { ($0, ProjectProcessingSettings(
                scrubbing: .default, fingerprintRules: "", stackTraceRules: $0 == 2 ? "not a rule" : "")) })
        }
        let first = cache.settings(for: [1, 2])
        #expect(loads == [[1, 2]])
        #expect(first.keys.sorted() == [1, 2])
        _ = cache.settings(for: [1, 2])
        #expect(loads == [[1, 2]])
        now += 11
        _ = cache.settings(for: [2, 3])
        #expect(loads == [[1, 2], [2, 3]])
        // Unparseable rules group with the defaults rather than stop the processor.
        #expect(first[2]?.grouping == GroupingConfig.default)
        #expect(throws: (any Error).self) { try ProjectGrouping.config(ProjectProcessingSettings(scrubbing: .default, fingerprintRules: "", stackTraceRules: "not a rule")) }
    }

    @Test func settingsCacheFallsBackToDefaultsWhenTheDatabaseCannotSay() throws {
        struct Down: Error {}
        let cache = ProjectSettingsCache(logger: logger) { _ in throw Down() }
        #expect(cache.settings(for: [1]).isEmpty)
        // Missing from the context means the defaults, which scrub.
        #expect(EventBatchContext().scrubbing(of: 1) == .default)
    }

    @Test func everyConsumedTopicHasAHandler() throws {
        let topics = Topics()
        let handlers = try TopicHandlers(consumed: ProcessorTopics.consumed(topics), handlers: ProcessorTopics.handlers(topics, database: unusedDatabase, logger: logger))
        #expect(ProcessorTopics.consumed(topics) == [topics.events, topics.outcomes])
        #expect(handlers[topics.events] is EventsHandler)
        #expect(handlers[topics.outcomes] is OutcomesHandler)
    }

    @Test func aTopicWithoutAHandlerIsAStartupErrorNotDeadLetters() throws {
        let topics = Topics()
        #expect(throws: TopicHandlers.Mismatch.self) {
            try TopicHandlers(consumed: [topics.events, topics.sessions], handlers: ProcessorTopics.handlers(topics, database: unusedDatabase, logger: logger))
        }
        #expect(throws: TopicHandlers.Mismatch.self) {
            try TopicHandlers(consumed: [topics.outcomes], handlers: [OutcomesHandler(topic: topics.outcomes, logger: logger),
                                                                   OutcomesHandler(topic: topics.outcomes, logger: logger)])
        }
        // The worker refuses before it joins a consumer group (no broker is needed to see it).
        var settings = ProcessorWorker.Settings(kafka: KafkaConfig(bootstrapServers: "127.0.0.1:1"), databaseURL: "postgresql://nobody@127.0.0.1:1/none",
                                                group: "g", topics: topics, batchSize: 10, drainOnStop: false)
        settings.topics.append(topics.sessions)
        let worker = ProcessorWorker(settings: settings, logger: logger)
        #expect(throws: TopicHandlers.Mismatch.self) { try worker.run() }
        #expect(worker.isFinished)
    }
}
