import EventModel

/// Sentry-compatible grouping (`newstyle:2023-01-11`): the event's hashes (primary first), its
/// variants, title and culprit. Pure: the event is not changed (the normalizer writes in_app
/// decisions back with `InAppDefaults.apply`; applying them again here is idempotent).
public enum Grouper {
    /// `rules`, when given, must be made from `config`; passing the one the event's in_app was
    /// stored with lets grouping reuse those rule outcomes.
    public static func group(_ event: SentryEvent, config: GroupingConfig = .default,
                             rules: MemoizedStackTraceRules? = nil) -> GroupingResult {
        let rules = rules ?? MemoizedStackTraceRules(config)
        var json = event.json
        InAppDefaults.apply(&json, rules: rules)
        let event = SentryEvent(json: json)

        // Server-side fingerprint rules replace the SDK's fingerprint.
        var fingerprint = event.fingerprint ?? []
        var ruleTitle: String?
        if !config.fingerprintRules.rules.isEmpty,
           let rule = config.fingerprintRules.firstMatch(FingerprintEventValues(event, stacktraces: allStacktraces(event))) {
            fingerprint = rule.fingerprint
            ruleTitle = rule.title.map { FingerprintVariables.expandTitle($0, event: event) }
        }

        var variants = strategyVariants(event, rules: rules)
        let resolved = fingerprint.map { FingerprintVariables.resolve($0, event: event) }
        let hasDefault = resolved.contains(where: FingerprintVariables.isDefault)
        if !resolved.isEmpty && !(resolved.count == 1 && hasDefault) {
            if hasDefault {
                // Hybrid: each variant's values are spliced in where `{{ default }}` stands.
                variants = variants.map { variant in
                    var salted = variant
                    salted.fingerprint = resolved
                    salted.hash = variant.component.flatMap { $0.contributes ? GroupingHash.md5(salted.contributingValues) : nil }
                    return salted
                }
            } else {
                for index in variants.indices {
                    variants[index].hash = nil
                    variants[index].component?.ignore("custom fingerprint takes precedence")
                }
                variants.append(GroupingVariant(name: "custom_fingerprint", hash: GroupingHash.md5(resolved),
                                                component: nil, fingerprint: resolved))
            }
        }
        if !variants.contains(where: \.contributes) {
            variants.append(GroupingVariant(name: "fallback", hash: GroupingHash.md5([]), component: nil, fingerprint: nil))
        }
        // The system variant goes last so the primary hash is the most specific one.
        let ordered = variants.filter { $0.name != "system" } + variants.filter { $0.name == "system" }
        let metadata = TitleAndCulprit.metadata(event)
        return GroupingResult(hashes: ordered.compactMap(\.hash), title: ruleTitle ?? metadata.title,
                              culprit: TitleAndCulprit.culprit(event), type: metadata.eventType,
                              metadataType: metadata.type, metadataValue: metadata.value, variants: variants)
    }

    /// Runs the strategies in priority order; the first with a contributing component wins and
    /// later strategies' components stop contributing.
    static func strategyVariants(_ event: SentryEvent, rules: MemoizedStackTraceRules) -> [GroupingVariant] {
        let strategies: [(String, () -> GroupingStrategies.Variants)] = [
            ("exception", { GroupingStrategies.chainedException(event, rules: rules) }),
            ("threads", { GroupingStrategies.threads(event, rules: rules) }),
            ("stacktrace", { GroupingStrategies.topLevelStacktrace(event, rules: rules) }),
            ("message", { GroupingStrategies.message(event) }),
        ]
        var winner: String?
        var order: [String] = []
        var byVariant: [String: [GroupingComponent]] = [:]
        for (name, run) in strategies {
            for (variant, component) in run() {
                var component = component
                if component.contributes {
                    if winner == nil { winner = name } else if winner != name { component.ignore("\(winner!) takes precedence") }
                }
                if byVariant[variant] == nil { order.append(variant) }
                byVariant[variant, default: []].append(component)
            }
        }
        return order.map { name in
            let root = GroupingComponent.node(name, byVariant[name]!)
            return GroupingVariant(name: name, hash: root.contributes ? GroupingHash.md5(root.contributingValues) : nil,
                                   component: root, fingerprint: nil)
        }
    }

    static func allStacktraces(_ event: SentryEvent) -> [[StackFrame]] {
        var result = event.exceptions.map(\.frames)
        if let frames = event.json["stacktrace"]?["frames"]?.array { result.append(frames.filter { !$0.isNull }.map(StackFrame.init)) }
        for thread in event.json["threads"]?["values"]?.array ?? [] {
            if let frames = thread["stacktrace"]?["frames"]?.array { result.append(frames.filter { !$0.isNull }.map(StackFrame.init)) }
        }
        return result
    }

    /// Sentry's hash of a list of values (md5 of their concatenated UTF-8 bytes).
    public static func hash(_ values: [String]) -> String { GroupingHash.md5(values) }
}
