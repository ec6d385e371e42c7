import Scrubbing

/// Scrubs sensitive data with the project's settings, before anything is grouped or stored.
public struct ScrubStage: EventStage {
    /// Where the projects' settings come from; nil: `context` as given (tests, benchmarks).
    let settings: (any ProjectSettingsSource)?

    public init(settings: (any ProjectSettingsSource)? = nil) { self.settings = settings }

    public func prepare(_ context: inout EventBatchContext, projects: Set<Int64>) {
        settings?.fill(&context, projects: projects)
    }

    public func run(_ event: inout WorkingEvent, _ context: EventBatchContext) throws(EventFailure) {
        event.json = Scrubber(context.scrubbing(of: event.projectID)).scrub(event.json)
    }
}
