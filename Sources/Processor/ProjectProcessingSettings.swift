import Foundation
import Scrubbing

/// What processors need to know of a project besides its events: data scrubbing and grouping rules.
public struct ProjectProcessingSettings: Sendable, Equatable {
    public var scrubbing: ScrubbingSettings
    /// Server-side fingerprint rules and stack trace rules, as text in Sentry's syntax.
    public var fingerprintRules: String
    public var stackTraceRules: String
    public var groupingRulesUpdatedAt: Date?

    public static let `default` = ProjectProcessingSettings(scrubbing: .default, fingerprintRules: "", stackTraceRules: "")

    public init(scrubbing: ScrubbingSettings, fingerprintRules: String, stackTraceRules: String, groupingRulesUpdatedAt: Date? = nil) {
        self.scrubbing = scrubbing
        self.fingerprintRules = fingerprintRules
        self.stackTraceRules = stackTraceRules
        self.groupingRulesUpdatedAt = groupingRulesUpdatedAt
    }
}
