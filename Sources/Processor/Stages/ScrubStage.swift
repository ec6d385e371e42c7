import Scrubbing

/// Scrubs sensitive data with the project's settings, before anything is grouped or stored.
public struct ScrubStage: ProjectSettingsStage {
    public let settings: (any ProjectSettingsSource)?

    public init(settings: (any ProjectSettingsSource)? = nil) { self.settings = settings }

    public func run(_ event: inout WorkingEvent, _ context: EventBatchContext) throws(EventFailure) {
        event.json = Scrubber(context.scrubbing(of: event.projectID)).scrub(event.json)
    }
}
