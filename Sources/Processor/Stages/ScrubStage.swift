import Scrubbing

/// Scrubs sensitive data with the project's settings and PII rules, before anything is grouped
/// or stored; what the PII rules change is recorded in the event's `_meta` (Sentry's remarks).
public struct ScrubStage: ProjectSettingsStage {
    public let settings: (any ProjectSettingsSource)?

    public init(settings: (any ProjectSettingsSource)? = nil) { self.settings = settings }

    public func run(_ event: inout WorkingEvent, _ context: EventBatchContext) throws(EventFailure) {
        context.scrubber(of: event.projectID).scrub(&event.json, meta: &event.meta)
    }
}
