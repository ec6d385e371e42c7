import EventModel
import Grouping
import Scrubbing

/// The stages an ingest message goes through to become a `ProcessedEvent`, in order:
/// normalize, scrub, symbolicate, group, enrich. `prepare` runs every stage's I/O that depends
/// on the projects once for a batch; `process(batch:)` then runs the batch stage by stage, with
/// each stage's I/O that depends on the events (`prepare(_:events:)`) before its pure part.
public struct EventPipeline {
    public var stages: [any EventStage]

    public init(stages: [any EventStage]) { self.stages = stages }

    /// The processor's stages, reading project settings through `settings`.
    /// `artifacts`: where uploaded source maps and mappings are read; nil leaves frames as sent.
    public static func standard(settings: (any ProjectSettingsSource)? = nil, artifacts: ArtifactCache? = nil) -> EventPipeline {
        EventPipeline(stages: [NormalizeStage(), ScrubStage(settings: settings), SymbolicateStage(cache: artifacts),
                               GroupStage(settings: settings), EnrichStage()])
    }

    /// Every stage's I/O for a batch of `projects`, once.
    public func prepare(projects: Set<Int64>) -> EventBatchContext {
        var context = EventBatchContext()
        for stage in stages { stage.prepare(&context, projects: projects) }
        return context
    }

    /// One message through every stage, with the event-dependent I/O of each (a batch of one).
    public func process(_ message: IngestMessage, _ context: EventBatchContext) throws(EventFailure) -> ProcessedEvent {
        try process(batch: [message], context)[0].get()
    }

    /// A batch through the stages, stage by stage: each stage's `prepare(_:events:)` sees every
    /// event as the stages before it left them, then runs over each. An event a stage fails
    /// stops there (it becomes a dead letter); the others go on. Results are in message order.
    public func process(batch messages: [IngestMessage], _ context: EventBatchContext) -> [Result<ProcessedEvent, EventFailure>] {
        var context = context
        var events: [Result<WorkingEvent, EventFailure>] = messages.map { .success(WorkingEvent($0)) }
        for stage in stages {
            stage.prepare(&context, events: events.compactMap { try? $0.get() })
            for index in events.indices {
                guard case .success(var event) = events[index] else { continue }
                events[index] = .failure(.undecodable(""))   // drops the array's reference, so `event` is mutated in place
                do {
                    try stage.run(&event, context)
                    events[index] = .success(event)
                } catch {
                    events[index] = .failure(error)
                }
            }
        }
        return events.map { result in result.flatMap { event in Result { () throws(EventFailure) in try event.processed() } } }
    }

    /// Pure: one message through the standard stages with the given settings (tests, benchmarks,
    /// fuzzing, tools).
    public static func process(_ message: IngestMessage, scrubbing: ScrubbingSettings = .default,
                               grouping: GroupingConfig = .default) throws(EventFailure) -> ProcessedEvent {
        var context = EventBatchContext()
        context.defaultScrubbing = scrubbing
        context.defaultGrouping = grouping
        return try standard().process(message, context)
    }
}
