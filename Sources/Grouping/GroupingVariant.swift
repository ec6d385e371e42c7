/// One way of grouping an event, as Sentry names them: `app` (in-app frames only), `system`
/// (all frames), `default` (message), `custom_fingerprint`, `fallback`. Variants whose hash is
/// nil do not contribute.
public struct GroupingVariant: Sendable, Equatable {
    public var name: String
    public var hash: String?
    /// The component tree, for strategy-based variants (also salted ones).
    public var component: GroupingComponent?
    /// The resolved fingerprint, for fingerprint-based variants.
    public var fingerprint: [String]?

    public var contributes: Bool { hash != nil }

    /// What was hashed, for explanations (`faultline group --variants`).
    public var contributingValues: [String] {
        if let fingerprint {
            guard let component else { return fingerprint }
            return fingerprint.flatMap { FingerprintVariables.isDefault($0) ? component.contributingValues : [$0] }
        }
        return component?.contributingValues ?? []
    }
}
