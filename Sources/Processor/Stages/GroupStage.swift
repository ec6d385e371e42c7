import EventModel
import Grouping

/// Marks in-app frames and groups the event with the project's fingerprint and stack trace
/// rules; adds title, culprit and hashes to the JSON.
public struct GroupStage: ProjectSettingsStage {
    public let settings: (any ProjectSettingsSource)?

    public init(settings: (any ProjectSettingsSource)? = nil) { self.settings = settings }

    public func run(_ event: inout WorkingEvent, _ context: EventBatchContext) throws(EventFailure) {
        let config = context.grouping(of: event.projectID)
        // in_app as Sentry decides it (platform defaults, then built-in and project stack trace
        // rules) is stored with the event, so it shows what grouping used.
        // The grouper runs the same rules over the same frames again; it reuses these outcomes.
        let rules = MemoizedStackTraceRules(config)
        InAppDefaults.apply(&event.json, rules: rules)
        let grouped = SentryEvent(json: event.json)
        let result = Grouper.group(grouped, config: config, rules: rules)
        event.json["title"] = .string(result.title)
        event.json["culprit"] = .string(result.culprit)
        event.json["hashes"] = .array(result.hashes.map(JSON.string))
        event.grouped = grouped
        event.grouping = result
    }
}
