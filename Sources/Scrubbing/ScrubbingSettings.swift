/// A project's data-scrubbing choices, in Sentry's terms (its project settings `dataScrubber`,
/// `dataScrubberDefaults`, `scrubIPAddresses`, `sensitiveFields`, `safeFields`, and the advanced
/// `relayPiiConfig`). Scrubbing is on by default, as in Sentry. The same type holds an
/// organization's settings, where each flag *requires* the setting of all its projects
/// (`organizationDefault` has them off); `merged` combines the two as Sentry does.
public struct ScrubbingSettings: Sendable, Equatable {
    /// Scrub sensitive data at all (`dataScrubber`).
    public var scrubData: Bool
    /// Apply Sentry's default rules (`dataScrubberDefaults`): sensitive keys, passwords, cards, …
    public var scrubDefaults: Bool
    /// Drop client IP addresses and replace IP addresses in texts (`scrubIPAddresses`).
    public var scrubIPAddresses: Bool
    /// Extra field names treated as sensitive, besides the defaults.
    public var sensitiveFields: [String]
    /// Fields (keys or selectors) the settings-derived rules leave alone (`safeFields`).
    public var safeFields: [String]
    /// Advanced data scrubbing: PII configs in Sentry's JSON, applied in this order (the
    /// project's, then the organization's) before the settings-derived rules.
    public var piiConfigs: [String]

    public init(scrubData: Bool = true, scrubDefaults: Bool = true, scrubIPAddresses: Bool = false, sensitiveFields: [String] = [],
                safeFields: [String] = [], piiConfigs: [String] = []) {
        self.scrubData = scrubData
        self.scrubDefaults = scrubDefaults
        self.scrubIPAddresses = scrubIPAddresses
        self.sensitiveFields = sensitiveFields
        self.safeFields = safeFields
        self.piiConfigs = piiConfigs
    }

    public static let `default` = ScrubbingSettings()
    /// An organization that requires nothing of its projects.
    public static let organizationDefault = ScrubbingSettings(scrubData: false, scrubDefaults: false)

    /// Sentry's merge: an organization flag forces the project's on; the organization's fields
    /// come before the project's; the project's PII config runs before the organization's.
    public static func merged(project: ScrubbingSettings, organization: ScrubbingSettings) -> ScrubbingSettings {
        ScrubbingSettings(scrubData: organization.scrubData || project.scrubData,
                          scrubDefaults: organization.scrubDefaults || project.scrubDefaults,
                          scrubIPAddresses: organization.scrubIPAddresses || project.scrubIPAddresses,
                          sensitiveFields: organization.sensitiveFields + project.sensitiveFields,
                          safeFields: organization.safeFields + project.safeFields,
                          piiConfigs: (project.piiConfigs + organization.piiConfigs).filter { !$0.isEmpty })
    }

    /// Whether these are Sentry's default rules alone (the fast, pre-compiled path).
    var isDefaultOnly: Bool { scrubData && scrubDefaults && !scrubIPAddresses && safeFields.isEmpty && piiConfigs.isEmpty }
}
