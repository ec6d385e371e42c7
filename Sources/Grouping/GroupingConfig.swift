/// Per-project grouping settings: server-side fingerprint rules and stack trace rules, applied
/// on top of the built-in behaviour of Sentry's `newstyle:2023-01-11`.
public struct GroupingConfig: Sendable, Equatable {
    public var fingerprintRules: FingerprintRules
    public var stackTraceRules: StackTraceRules

    public static let `default` = GroupingConfig()

    public init(fingerprintRules: FingerprintRules = .init(), stackTraceRules: StackTraceRules = .init()) {
        self.fingerprintRules = fingerprintRules
        self.stackTraceRules = stackTraceRules
    }

    /// Built-in rules first, so the project's rules (later ones win) can override them.
    var effectiveStackTraceRules: StackTraceRules {
        stackTraceRules.rules.isEmpty ? BuiltInStackTraceRules.rules
            : StackTraceRules(rules: BuiltInStackTraceRules.rules.rules + stackTraceRules.rules)
    }
}
