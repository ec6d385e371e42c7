import EventModel

/// A project's scrubbing, compiled once per settings change (the processor keeps it in its
/// settings cache): the advanced PII configs (the project's, then the organization's), then the
/// settings-derived rules — Sentry's defaults through `Scrubber`, the rest (sensitive fields
/// without defaults, IP addresses) through `PiiProcessor` — the order Sentry's relay applies
/// them in. A stored config that does not compile is skipped and reported in `problems`; the
/// settings-derived rules still run, so a bad config never turns scrubbing off.
public struct EventScrubber: Sendable {
    public let settings: ScrubbingSettings
    /// Why a PII config was skipped (for the processor's log).
    public let problems: [String]
    let advanced: [CompiledPiiConfig]
    let derived: CompiledPiiConfig?
    let defaults: Scrubber?

    public static let `default` = EventScrubber(.default)

    public init(_ settings: ScrubbingSettings) {
        self.settings = settings
        var problems: [String] = []
        var advanced: [CompiledPiiConfig] = []
        for text in settings.piiConfigs {
            do {
                let config = try CompiledPiiConfig(try PiiConfig.parse(text))
                if !config.isEmpty { advanced.append(config) }
            } catch {
                problems.append(error.message)
            }
        }
        self.advanced = advanced
        self.problems = problems
        if settings.scrubData, settings.scrubDefaults {
            var defaults = settings
            defaults.scrubIPAddresses = false
            self.defaults = Scrubber(defaults)
        } else {
            defaults = nil
        }
        derived = DataScrubbingConversion.piiConfig(settings).flatMap { try? CompiledPiiConfig($0) }
    }

    /// Scrubs `event`, recording what the rules change in `meta` (Sentry's remarks).
    public func scrub(_ event: inout [String: JSON], meta: inout EventMeta) {
        // The rules count offsets in Unicode scalars among themselves; Sentry reports UTF-8 offsets.
        var remarks = EventMeta()
        for config in advanced { PiiProcessor(config).process(&event, meta: &remarks) }
        if let defaults {
            event = defaults.scrub(event, meta: &remarks)
            defaults.scrubOriginals(in: &meta)
        }
        if let derived { PiiProcessor(derived).process(&event, meta: &remarks) }
        remarks.convertRangesToUTF8(in: .object(event))
        meta.merge(remarks)
    }
}
