import EventModel

/// Sentry's default server-side data scrubbing, applied to the whole event before anything is
/// stored or grouped: values under sensitive keys (password, secret, token, auth, cookie,
/// session, …) and values that look like credit card numbers, IBANs or bearer tokens become
/// `[Filtered]`. Pure.
public struct Scrubber: Sendable {
    public static let filtered = "[Filtered]"
    public static let defaultSensitiveFields = [
        "password", "passwd", "secret", "api_key", "apikey", "auth", "credentials", "mysql_pwd", "privatekey",
        "private_key", "token", "session", "cookie", "csrf", "xsrf",
    ]

    let settings: ScrubbingSettings
    let fields: [[UInt8]]

    public init(_ settings: ScrubbingSettings) {
        self.settings = settings
        fields = (Self.defaultSensitiveFields + settings.sensitiveFields.map { $0.lowercased() }).map { Array($0.utf8) }
    }

    public func scrub(_ event: [String: JSON]) -> [String: JSON] {
        var result = event
        if settings.scrubData {
            for (key, value) in event where !Self.structural.contains(key) {
                result[key] = scrub(value, key: key)
            }
        }
        if settings.scrubIPAddresses {
            if case .object(var user)? = result["user"] {
                user["ip_address"] = nil
                result["user"] = .object(user)
            }
            if case .object(var request)? = result["request"], case .object(var env)? = request["env"] {
                env["REMOTE_ADDR"] = nil
                request["env"] = .object(env)
                result["request"] = .object(request)
            }
        }
        return result
    }

    static let authorization = Array("authorization".utf8)

    /// Top-level fields that are identifiers, not user data.
    static let structural: Set<String> = ["event_id", "timestamp", "platform", "level", "logger", "release", "dist",
                                          "environment", "sdk", "fingerprint", "project", "received", "type"]

    func isSensitive(_ key: String) -> Bool {
        fields.contains { ASCIISearch.contains(key.utf8, lowercased: $0) }
    }

    func scrub(_ value: JSON, key: String?) -> JSON {
        if let key, isSensitive(key), !value.isNull { return .string(Self.filtered) }
        switch value {
        case .string(let text):
            return .string(SecretPatterns.scrub(text))
        case .array(let items):
            // Header and cookie lists come as [[name, value], …]: judge the pair by its name.
            if items.count == 2, let name = items[0].string, isSensitive(name) || ASCIISearch.contains(name.utf8, lowercased: Self.authorization) {
                return .array([items[0], .string(Self.filtered)])
            }
            return .array(items.map { scrub($0, key: nil) })
        case .object(let members):
            var result: [String: JSON] = [:]
            result.reserveCapacity(members.count)
            for (name, member) in members { result[name] = scrub(member, key: name) }
            return .object(result)
        default:
            return value
        }
    }
}
