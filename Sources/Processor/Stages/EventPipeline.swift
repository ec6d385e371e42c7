import EventModel
import Grouping
import Scrubbing

/// The stages an ingest message goes through to become a `ProcessedEvent`, in order:
/// normalize, scrub, [symbolicate goes here], group, enrich. `prepare` runs every stage's I/O
/// once for a batch; `process` then runs the pure part per event.
public struct EventPipeline {
    public var stages: [any EventStage]

    public init(stages: [any EventStage]) { self.stages = stages }

    /// The processor's stages, reading project settings through `settings`.
    public static func standard(settings: (any ProjectSettingsSource)? = nil) -> EventPipeline {
        EventPipeline(stages: [NormalizeStage(), ScrubStage(settings: settings), GroupStage(settings: settings), EnrichStage()])
    }

    /// Every stage's I/O for a batch of `projects`, once.
    public func prepare(projects: Set<Int64>) -> EventBatchContext {
        var context = EventBatchContext()
        for stage in stages { stage.prepare(&context, projects: projects) }
        return context
    }

    /// Pure: one message through every stage.
    public func process(_ message: IngestMessage, _ context: EventBatchContext) throws(EventFailure) -> ProcessedEvent {
        var event = WorkingEvent(message)
        for stage in stages { try stage.run(&event, context) }
        return try event.processed()
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
