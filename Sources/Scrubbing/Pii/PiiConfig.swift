import EventModel

/// Sentry's PII config (a project's or organization's `relayPiiConfig`, or what the data-scrubbing
/// settings convert to): named `rules` and `applications` from selectors to rule ids. Parsed and
/// validated the way `sentry_relay.validate_pii_config` accepts or refuses a config; `compile()`
/// resolves rule references and builds the linear-time regexes.
public struct PiiConfig: Sendable, Equatable {
    public var rules: [String: PiiRule]
    /// In the config's order (Sentry applies them in that order).
    public var applications: [(selector: String, rules: [String])]

    public init(rules: [String: PiiRule] = [:], applications: [(selector: String, rules: [String])] = []) {
        self.rules = rules
        self.applications = applications
    }

    public static func == (lhs: PiiConfig, rhs: PiiConfig) -> Bool {
        lhs.rules == rhs.rules && lhs.applications.count == rhs.applications.count
            && zip(lhs.applications, rhs.applications).allSatisfy { $0.selector == $1.selector && $0.rules == $1.rules }
    }

    public var isEmpty: Bool { applications.allSatisfy { $0.rules.isEmpty } }

    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// Bounds on a stored or submitted config (it is read on every event of the project).
    static let maxRules = 200
    static let maxApplications = 200
    static let maxPatternLength = 4_096

    /// Parses and validates `text` (Sentry's JSON shape). The empty text and `{}` are empty configs.
    public static func parse(_ text: String) throws(Invalid) -> PiiConfig {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        if trimmed.isEmpty { return PiiConfig() }
        guard let json = try? JSON.parse(String(trimmed)) else { throw Invalid("expected ident at line 1 column 2") }
        switch json {
        case .object(let members): return try parse(members)
        case .array(let items) where items.isEmpty: return PiiConfig()  // Sentry reads `[]` as the empty config
        default: throw Invalid("invalid type: expected struct PiiConfig")
        }
    }

    public static func parse(_ members: [String: JSON]) throws(Invalid) -> PiiConfig {
        // Unknown members are ignored, as Sentry ignores them.
        var config = PiiConfig()
        if let rules = members["rules"], !rules.isNull {
            guard case .object(let entries) = rules else { throw Invalid("invalid type: expected a map of rules") }
            guard entries.count <= maxRules else { throw Invalid("too many rules (at most \(maxRules))") }
            for (id, body) in entries { config.rules[id] = try PiiRule.parse(body, id: id) }
        }
        if let applications = members["applications"], !applications.isNull {
            guard case .object(let entries) = applications else { throw Invalid("invalid type: expected a map of applications") }
            guard entries.count <= maxApplications else { throw Invalid("too many applications (at most \(maxApplications))") }
            for (selector, ids) in entries.sorted(by: { $0.key < $1.key }) {
                do { _ = try PiiSelector.parse(selector) } catch { throw Invalid("invalid value: string \"\(selector)\", expected a selector") }
                guard case .array(let list) = ids else { throw Invalid("invalid type: expected a sequence of rule ids") }
                var names: [String] = []
                for id in list {
                    guard let name = id.string else { throw Invalid("invalid type: expected a string rule id") }
                    names.append(name)
                }
                config.applications.append((selector, names))
            }
        }
        try config.validate()
        return config
    }

    /// Sentry accepts references to rules that do not exist (they are skipped when applied);
    /// what it refuses — bad selectors, bad patterns, unknown types, malformed fields — is refused
    /// while parsing.
    func validate() throws(Invalid) {}

    /// The JSON text of the config (stored, and returned by the API).
    public func jsonText() -> String {
        var ruleMembers: [String: JSON] = [:]
        for (id, rule) in rules { ruleMembers[id] = rule.json }
        var applicationMembers: [String: JSON] = [:]
        for (selector, ids) in applications { applicationMembers[selector] = .array(ids.map(JSON.string)) }
        return JSON.object(["rules": .object(ruleMembers), "applications": .object(applicationMembers)]).encodedString()
    }
}

/// One rule: what it finds and how it redacts it.
public struct PiiRule: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case pattern(String, replaceGroups: [Int]?)
        case redactPair(keyPattern: String)
        case multiple([String], hideInner: Bool)
        case alias(String, hideInner: Bool)
        /// A built-in finder: imei, mac, uuid, email, ip, creditcard, iban, userpath, pemkey,
        /// urlauth, usssn, password, bearer, anything.
        case builtin(String)
    }

    public var kind: Kind
    public var redaction: PiiRedaction?

    public init(_ kind: Kind, redaction: PiiRedaction? = nil) {
        self.kind = kind
        self.redaction = redaction
    }

    /// Rule types by their names in a config (Sentry's spelling) → the built-in finder.
    static let builtinTypes: [String: String] = [
        "imei": "imei", "mac": "mac", "uuid": "uuid", "email": "email", "ip": "ip", "creditcard": "creditcard", "iban": "iban",
        "userpath": "userpath", "pemkey": "pemkey", "url_auth": "urlauth", "us_ssn": "usssn", "password": "password",
        "bearer": "bearer", "anything": "anything", "cookies": "anything", "unknown": "unknown",
    ]

    static func parse(_ body: JSON, id: String) throws(PiiConfig.Invalid) -> PiiRule {
        guard case .object(let members) = body else { throw PiiConfig.Invalid("invalid type: rule \(id) must be an object") }
        guard let type = members["type"]?.string else { throw PiiConfig.Invalid("missing field `type`") }
        var redaction: PiiRedaction?
        if let json = members["redaction"], !json.isNull { redaction = try PiiRedaction.parse(json) }
        switch type {
        case "pattern":
            guard let pattern = members["pattern"]?.string else { throw PiiConfig.Invalid("missing field `pattern`") }
            try checkPattern(pattern)
            var groups: [Int]?
            if let raw = members["replaceGroups"], !raw.isNull {
                guard case .array(let items) = raw else { throw PiiConfig.Invalid("invalid type: expected a sequence") }
                groups = []
                for item in items {
                    guard let number = item.int, number >= 0, number <= 255 else {
                        throw PiiConfig.Invalid("invalid value: expected u8")
                    }
                    groups?.append(Int(number))
                }
            }
            return PiiRule(.pattern(pattern, replaceGroups: groups), redaction: redaction)
        case "redact_pair", "redactPair":
            guard let pattern = members["keyPattern"]?.string else { throw PiiConfig.Invalid("missing field `keyPattern`") }
            try checkPattern(pattern)
            return PiiRule(.redactPair(keyPattern: pattern), redaction: redaction)
        case "multiple":
            guard case .array(let items)? = members["rules"] else { throw PiiConfig.Invalid("missing field `rules`") }
            let references = items.compactMap(\.string)
            guard references.count == items.count else { throw PiiConfig.Invalid("invalid type: expected a string rule id") }
            return PiiRule(.multiple(references, hideInner: members["hideInner"]?.bool ?? false), redaction: redaction)
        case "alias":
            guard let reference = members["rule"]?.string else { throw PiiConfig.Invalid("missing field `rule`") }
            return PiiRule(.alias(reference, hideInner: members["hideInner"]?.bool ?? false), redaction: redaction)
        default:
            guard let finder = builtinTypes[type] else {
                throw PiiConfig.Invalid("unknown variant `\(type)`, expected one of `anything`, `pattern`, `imei`, `mac`, `uuid`, `email`, `ip`, `creditcard`, `iban`, `userpath`, `pemkey`, `url_auth`, `us_ssn`, `bearer`, `password`, `cookies`, `redactPair`, `redact_pair`, `multiple`, `alias`, `unknown`")
            }
            return PiiRule(.builtin(finder), redaction: redaction)
        }
    }

    static func checkPattern(_ pattern: String) throws(PiiConfig.Invalid) {
        guard pattern.utf8.count <= PiiConfig.maxPatternLength else { throw PiiConfig.Invalid("regex parse error: pattern too long") }
        do { _ = try LinearRegex(pattern) } catch { throw PiiConfig.Invalid("regex parse error:\n    \(pattern)\nerror: \(error.message)") }
    }

    var json: JSON {
        var members: [String: JSON] = [:]
        switch kind {
        case .pattern(let pattern, let groups):
            members["type"] = "pattern"
            members["pattern"] = .string(pattern)
            if let groups { members["replaceGroups"] = .array(groups.map { .int(Int64($0)) }) }
        case .redactPair(let pattern):
            members["type"] = "redact_pair"
            members["keyPattern"] = .string(pattern)
        case .multiple(let references, let hideInner):
            members["type"] = "multiple"
            members["rules"] = .array(references.map(JSON.string))
            members["hideInner"] = .bool(hideInner)
        case .alias(let reference, let hideInner):
            members["type"] = "alias"
            members["rule"] = .string(reference)
            members["hideInner"] = .bool(hideInner)
        case .builtin(let finder):
            members["type"] = .string(finder == "urlauth" ? "url_auth" : finder == "usssn" ? "us_ssn" : finder)
        }
        if let redaction { members["redaction"] = redaction.json }
        return .object(members)
    }
}

/// How a rule changes what it finds.
public enum PiiRedaction: Sendable, Equatable {
    case remove
    case replace(String)
    case mask
    /// HMAC-SHA1 under the key (Sentry's default key is empty), upper-case hex.
    case hash(key: String)

    static func parse(_ json: JSON) throws(PiiConfig.Invalid) -> PiiRedaction {
        guard case .object(let members) = json, let method = members["method"]?.string else {
            throw PiiConfig.Invalid("missing field `method`")
        }
        switch method {
        case "remove": return .remove
        case "replace": return .replace(members["text"]?.string ?? Scrubber.filtered)
        case "mask": return .mask
        // Sentry's relay (0.10.1) hashes with the empty key whatever `key` says.
        case "hash": return .hash(key: "")
        // Sentry accepts any other method and removes what the rule finds.
        default: return .remove
        }
    }

    var json: JSON {
        switch self {
        case .remove: return .object(["method": "remove"])
        case .replace(let text): return .object(["method": "replace", "text": .string(text)])
        case .mask: return .object(["method": "mask"])
        case .hash(let key): return key.isEmpty ? .object(["method": "hash"]) : .object(["method": "hash", "key": .string(key)])
        }
    }

    /// The remark kind Sentry records for it.
    var remarkKind: EventMeta.Remark.Kind {
        switch self {
        case .remove: return .removed
        case .replace: return .substituted
        case .mask: return .masked
        case .hash: return .pseudonymized
        }
    }
}
