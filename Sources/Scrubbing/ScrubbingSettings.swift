/// A project's data-scrubbing choices. Scrubbing is on by default, as in Sentry.
public struct ScrubbingSettings: Sendable, Equatable {
    /// Replace values of sensitive fields and recognizable secrets with `[Filtered]`.
    public var scrubData: Bool
    /// Drop client IP addresses (`user.ip_address`, `request.env.REMOTE_ADDR`).
    public var scrubIPAddresses: Bool
    /// Extra field names treated as sensitive, besides the defaults.
    public var sensitiveFields: [String]

    public init(scrubData: Bool = true, scrubIPAddresses: Bool = false, sensitiveFields: [String] = []) {
        self.scrubData = scrubData
        self.scrubIPAddresses = scrubIPAddresses
        self.sensitiveFields = sensitiveFields
    }

    public static let `default` = ScrubbingSettings()
}
