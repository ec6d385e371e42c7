/// A PII config ready to run: selectors parsed, rule references resolved (to the config's rules
/// or the built-in ones; an unknown id is skipped, as Sentry skips it) and regexes compiled.
public struct CompiledPiiConfig: Sendable {
    struct Rule: Sendable {
        enum Finder: Sendable {
            /// Matches inside strings; the listed groups (or the whole match) are redacted.
            case pattern(LinearRegex, groups: [Int]?)
            /// The whole value when its key matches.
            case key(LinearRegex)
            /// Any value (strings line by line, as Sentry's `anything` does).
            case anything(LinearRegex)
            /// Several rules in turn; their remarks carry the outer id when `hideInner`.
            case multiple([Rule], hideInner: Bool)
        }

        let id: String
        let finder: Finder
        let redaction: PiiRedaction
    }

    let applications: [(selector: PiiSelector, rules: [Rule])]

    public var isEmpty: Bool { applications.isEmpty }

    public init(_ config: PiiConfig) throws(PiiConfig.Invalid) {
        var applications: [(selector: PiiSelector, rules: [Rule])] = []
        for (text, ids) in config.applications {
            let selector: PiiSelector
            do { selector = try PiiSelector.parse(text) } catch { throw PiiConfig.Invalid("invalid selector \(text): \(error.message)") }
            var rules: [Rule] = []
            // Sentry applies a selector's rules once each, in the order of their ids.
            for id in Set(ids).sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                if let rule = try Self.resolve(id, config, depth: 0) { rules.append(rule) }
            }
            if !rules.isEmpty { applications.append((selector, rules)) }
        }
        // Sentry's relay keeps applications in its selector type's order (a sorted map).
        self.applications = applications.enumerated().sorted { left, right in
            if PiiSelector.precedes(left.element.selector, right.element.selector) { return true }
            if PiiSelector.precedes(right.element.selector, left.element.selector) { return false }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// Built-in regexes, compiled once per process.
    static let builtinRegexes: [String: LinearRegex] = {
        var result: [String: LinearRegex] = [:]
        for (type, entry) in PiiBuiltinRules.patterns { result[type] = try? LinearRegex(entry.pattern) }
        result["password-keys"] = try? LinearRegex(PiiBuiltinRules.passwordKeys)
        return result
    }()

    static func resolve(_ id: String, _ config: PiiConfig, depth: Int, redaction outer: PiiRedaction? = nil) throws(PiiConfig.Invalid) -> Rule? {
        guard depth < 16 else { throw PiiConfig.Invalid("rule \(id) references itself") }
        guard let rule = config.rules[id] ?? PiiBuiltinRules.rule(id) else { return nil }
        let redaction = outer ?? rule.redaction ?? .remove
        switch rule.kind {
        case .pattern(let pattern, let groups):
            do { return Rule(id: id, finder: .pattern(try LinearRegex(pattern), groups: groups), redaction: redaction) } catch {
                throw PiiConfig.Invalid("regex parse error in rule \(id): \(error.message)")
            }
        case .redactPair(let pattern):
            do { return Rule(id: id, finder: .key(try LinearRegex(pattern)), redaction: redaction) } catch {
                throw PiiConfig.Invalid("regex parse error in rule \(id): \(error.message)")
            }
        case .builtin(let type):
            return builtin(type, id: id, redaction: redaction)
        case .multiple(let references, let hideInner):
            var inner: [Rule] = []
            for reference in references {
                // One unknown reference disables the whole rule, as in Sentry.
                guard let resolved = try resolve(reference, config, depth: depth + 1, redaction: rule.redaction ?? outer) else { return nil }
                inner.append(resolved)
            }
            return Rule(id: id, finder: .multiple(inner, hideInner: hideInner), redaction: redaction)
        case .alias(let reference, let hideInner):
            guard let resolved = try resolve(reference, config, depth: depth + 1, redaction: rule.redaction ?? outer) else { return nil }
            return Rule(id: id, finder: .multiple([resolved], hideInner: hideInner), redaction: redaction)
        }
    }

    static func builtin(_ type: String, id: String, redaction: PiiRedaction) -> Rule? {
        switch type {
        case "password":
            // A sensitive key, or a `Bearer …` token inside a value.
            guard let keys = builtinRegexes["password-keys"], let bearer = builtinRegexes["bearer"] else { return nil }
            return Rule(id: id, finder: .multiple([Rule(id: id, finder: .key(keys), redaction: redaction),
                                                   Rule(id: id, finder: .pattern(bearer, groups: nil), redaction: redaction)], hideInner: true),
                        redaction: redaction)
        case "anything":
            guard let regex = builtinRegexes["anything"] else { return nil }
            return Rule(id: id, finder: .anything(regex), redaction: redaction)
        default:
            guard let regex = builtinRegexes[type] else { return nil }
            return Rule(id: id, finder: .pattern(regex, groups: PiiBuiltinRules.patterns[type]?.groups), redaction: redaction)
        }
    }
}
