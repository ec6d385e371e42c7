/// Sentry's built-in rules (`@ip`, `@email:mask`, `@common:filter`, …) and the finders behind the
/// rule types. The regexes are written here for `LinearRegex` after the behaviour of
/// `sentry-relay` (checked by bench/parity/settings_cases.py), not copied from it.
enum PiiBuiltinRules {
    /// What each built-in type finds in a string, and which groups it redacts (nil: the match).
    static let patterns: [String: (pattern: String, groups: [Int]?)] = [
        "ip": (#"\b(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\b|\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b"#, nil),
        "imei": (#"\b\d{2}-?\d{6}-?\d{6}-?\d{1,2}\b"#, nil),
        "mac": (#"\b(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}\b"#, nil),
        "uuid": (#"(?i)\b[a-z0-9]{8}-?[a-z0-9]{4}-?[a-z0-9]{4}-?[a-z0-9]{4}-?[a-z0-9]{12}\b"#, nil),
        "email": (#"\b[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+\b"#, nil),
        "creditcard": (#"\b(?:3[47]\d|4\d{3}|5[1-5]\d\d|65\d\d|6011)(?:[-\s]?\d){12}\b"#, nil),
        "iban": (#"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"#, nil),
        "usssn": (#"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b"#, nil),
        "userpath": (#"(?i)(?:/(?:home|users)/|\b[a-z]:[\\/](?:users|documents and settings)[\\/])([^/\\\r\n]+)"#, [1]),
        "pemkey": (#"(?s)-----BEGIN[A-Z ]+(?:PRIVATE|PUBLIC) KEY-----[\t ]*\r?\n?(.+?)\r?\n?-----END[A-Z ]+(?:PRIVATE|PUBLIC) KEY-----"#, [1]),
        "urlauth": (#"(?i)\b(?:[a-z0-9+-]+:)?//([a-z0-9%_.-]+(?::[a-z0-9%_.-]+)?)@"#, [1]),
        "urlauth-legacy": (#"(?i)\b(?:[a-z0-9+-]+:)?//[a-z0-9%_.-]+:([a-z0-9%_.-]+)@"#, [1]),
        "bearer": (#"(?i)\bbearer\s+[^\s"',]+"#, nil),
        "anything": (#".+"#, nil),
    ]

    /// Keys whose values `@password` and the `password` type redact.
    static let passwordKeys = #"(?i)(password|secret|passwd|api_key|apikey|auth|credentials|mysql_pwd|privatekey|private_key|token|otp|two[_-]factor)"#

    /// The `replace` text of each type.
    static let replacements: [String: String] = [
        "ip": "[ip]", "imei": "[imei]", "mac": "[mac]", "uuid": "[uuid]", "email": "[email]", "creditcard": "[creditcard]",
        "iban": "[iban]", "usssn": "[us-ssn]", "userpath": "[user]", "pemkey": "[pemkey]", "urlauth": "[auth]",
        "bearer": "Bearer [token]", "anything": "[Filtered]", "password": "[Filtered]",
    ]

    /// The redaction of a bare `@type`.
    static let defaults: [String: PiiRedaction] = [
        "ip": .replace("[ip]"), "imei": .replace("[imei]"), "mac": .mask, "uuid": .mask, "email": .replace("[email]"),
        "creditcard": .replace("[creditcard]"), "iban": .replace("[iban]"), "usssn": .mask, "userpath": .replace("[user]"),
        "pemkey": .replace("[pemkey]"), "urlauth": .replace("[auth]"), "bearer": .replace("Bearer [token]"),
        "anything": .replace("[Filtered]"), "password": .remove,
    ]

    /// The variants each type has (`@type:variant`); a name not listed here is no rule, and
    /// Sentry skips it silently.
    static let variants: [String: Set<String>] = [
        "ip": ["replace", "hash", "mask", "remove"], "imei": ["replace", "hash"], "mac": ["replace", "mask", "hash"],
        "uuid": ["replace", "mask", "hash"], "email": ["replace", "mask", "hash"],
        "creditcard": ["replace", "mask", "hash", "filter"], "iban": ["replace", "mask", "hash", "filter"],
        "usssn": ["replace", "mask", "hash", "filter"], "userpath": ["replace", "hash"], "pemkey": ["replace", "hash", "filter"],
        "urlauth": ["replace", "hash", "legacy"], "bearer": ["replace", "hash", "filter"], "password": ["remove", "filter"],
        "anything": ["remove", "replace", "hash", "mask", "filter"],
    ]

    static let common = ["@ip", "@email", "@creditcard", "@iban", "@usssn", "@userpath", "@urlauth", "@bearer", "@pemkey", "@password"]
    static let commonFilter = ["@creditcard:filter", "@iban:filter", "@usssn:filter", "@urlauth:legacy", "@bearer:filter",
                               "@pemkey:filter", "@password:filter"]

    /// The built-in rule named `id`, or nil.
    static func rule(_ id: String) -> PiiRule? {
        guard id.hasPrefix("@") else { return nil }
        let name = id.dropFirst()
        let parts = name.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let type = String(parts[0])
        let variant = parts.count > 1 ? String(parts[1]) : nil
        if type == "common" {
            switch variant {
            case nil: return PiiRule(.multiple(common, hideInner: false))
            case "filter": return PiiRule(.multiple(commonFilter, hideInner: false))
            default: return nil
            }
        }
        if type == "cookies", variant == "filter" { return PiiRule(.builtin("anything"), redaction: .replace(Scrubber.filtered)) }
        guard let defaultRedaction = defaults[type] else { return nil }
        guard let variant else { return PiiRule(.builtin(type), redaction: defaultRedaction) }
        guard variants[type]?.contains(variant) == true else { return nil }
        switch variant {
        case "replace": return PiiRule(.builtin(type), redaction: .replace(replacements[type] ?? Scrubber.filtered))
        case "mask": return PiiRule(.builtin(type), redaction: .mask)
        case "hash": return PiiRule(.builtin(type), redaction: .hash(key: ""))
        case "remove": return PiiRule(.builtin(type), redaction: .remove)
        case "filter": return PiiRule(.builtin(type), redaction: .replace(Scrubber.filtered))
        case "legacy": return PiiRule(.builtin("urlauth-legacy"), redaction: .replace(Scrubber.filtered))
        default: return nil
        }
    }
}
