import EventModel

/// Sentry's default server-side data scrubbing (its `convert_datascrubbing_config` rules for
/// `scrubData`/`scrubDefaults`, checked against `sentry-relay` by bench/parity), applied to the
/// whole event before anything is stored or grouped:
/// - a value under a sensitive key (password, secret, token, auth, api-key, …) becomes `[Filtered]`;
/// - a string that itself names a secret (`my password is …`, `token=…`, `Authorization: …`)
///   becomes `[Filtered]`, as Sentry's `@password` rule does;
/// - card numbers, IBANs, US SSNs, `Bearer …` tokens, URL passwords and PEM key bodies inside a
///   string become `[Filtered]`;
/// - the formatted message (`logentry.formatted`, a plain `message`) is masked instead, with
///   Sentry's texts: `[email]`, `[creditcard]`, `[iban]`, `[us-ssn]`, `Bearer [token]`;
/// - exception values, frame file names and the `User-Agent` header are kept, as Sentry keeps them.
/// Pure; linear in the event (every scanner reads its text forward once).
public struct Scrubber: Sendable {
    public static let filtered = "[Filtered]"
    public static let defaultSensitiveFields = [
        "password", "passwd", "secret", "api_key", "apikey", "api-key", "auth", "credentials", "mysql_pwd", "privatekey",
        "private_key", "private-key", "token", "otp", "two_factor", "two-factor",
    ]
    /// Cookies Sentry filters by their exact name (any case), besides the sensitive keys.
    static let sessionCookies: Set<String> = [
        "sentrysid", "sudo", "su", "session", "__session", "sessionid", "user_session", "symfony", "phpsessid",
        "fasthttpsessionid", "mysession", "irissessionid", "_vercel_jwt", "csrf", "xsrf", "_xsrf", "_csrf", "csrf-token",
        "csrf_token", "xsrf-token", "xsrf_token", "fastcsrf", "_iris_csrf",
    ]
    /// Words that make a whole string value sensitive wherever it is (Sentry's `@password` value
    /// check): password, passwd, secret, api_key, apikey, api-key, auth, credentials, mysql_pwd,
    /// privatekey, private_key — matched by `startsSensitiveWord`.

    let settings: ScrubbingSettings
    let fields: [[UInt8]]
    let customFields: [[UInt8]]
    /// Safe fields (Sentry's `!field` exclusions): the value under such a key is kept, its
    /// members are still scrubbed.
    let safeKeys: Set<String>

    public init(_ settings: ScrubbingSettings) {
        self.settings = settings
        safeKeys = Set(settings.safeFields.map { $0.lowercased() })
        customFields = settings.sensitiveFields.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        fields = Self.defaultSensitiveFields.map { Array($0.utf8) } + customFields
    }

    public func scrub(_ event: [String: JSON]) -> [String: JSON] {
        var result = event
        if settings.scrubData {
            // Tags are not scrubbed by Sentry's default rules (a tag value with a line break, as a PEM
            // key has, is dropped by the normalizer).
            for (key, value) in event where !Self.structural.contains(key) && key != "tags" {
                switch key {
                case "message":
                    if case .string(let text) = value { result[key] = .string(SecretPatterns.scrub(text, style: .replace)) } else {
                        result[key] = scrubMessage(value)
                    }
                case "logentry":
                    result[key] = scrubMessage(value)
                default:
                    let place: Place = key == "exception" || key == "threads" || key == "stacktrace" ? .stack
                        : Self.isPairList(key) ? .pairList : .general
                    result[key] = scrub(value, key: key, place: place)
                }
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

    /// Where a value is, for the few places Sentry's rules leave alone.
    enum Place { case general, stack, pairList }

    /// A message object: the formatted text masked, the template and params scrubbed.
    func scrubMessage(_ value: JSON) -> JSON {
        guard case .object(var members) = value else { return scrub(value, key: nil, place: .general) }
        for (name, member) in members {
            if name == "formatted", case .string(let text) = member {
                members[name] = .string(SecretPatterns.scrub(text, style: .replace))
            } else {
                members[name] = scrub(member, key: name, place: .general)
            }
        }
        return .object(members)
    }

    /// Top-level fields that are identifiers, not user data.
    static let structural: Set<String> = ["event_id", "timestamp", "platform", "level", "logger", "release", "dist",
                                          "environment", "sdk", "fingerprint", "project", "received", "type"]
    /// Containers whose arrays hold `[name, value]` pairs (headers, cookies, query strings, form data, tags).
    @inline(__always) static func isPairList(_ name: String) -> Bool {
        switch name {
        case "headers", "cookies", "query_string", "data", "env", "tags": return true
        default: return false
        }
    }
    // Kept verbatim inside stack traces and exceptions (Sentry: `$error.value`, `$frame.filename`,
    // `$frame.abs_path`): `value`, `filename`, `abs_path` (see `scrub(_:key:place:)`).
    static let userAgent = Array("user-agent".utf8)

    func isSensitive(_ key: String) -> Bool {
        fields.contains { ASCIISearch.contains(key.utf8, lowercased: $0) }
    }

    /// Sentry's `@password` check of a string value (as `sentry-relay` 0.10.1 answers it): the
    /// text names a secret (`password`, `secret`, `auth`, …) anywhere, is exactly `otp` or
    /// `two_factor`, or holds a `name=` whose name has `token` in it or is one of the project's
    /// sensitive fields (`?token=…`). One forward pass: at a byte that starts one of the words,
    /// only the words starting with it are compared (static strings, so the scan does no
    /// reference counting).
    func isSensitiveText(_ text: String) -> Bool {
        if text.utf8.count <= 10 {
            let lowered = text.lowercased()
            if lowered == "otp" || lowered == "two_factor" || lowered == "two-factor" { return true }
        }
        var copy = text
        return copy.withUTF8 { bytes in
            var nameStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if Self.startsSensitiveWord(bytes, at: index) { return true }
                if byte == UInt8(ascii: "=") {
                    if index > nameStart, index - nameStart <= 64,
                       isSensitiveName(String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<index]), as: UTF8.self)) {
                        return true
                    }
                    nameStart = index + 1
                } else if !(TextScanners.isWord(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")) {
                    nameStart = index + 1
                }
                index += 1
            }
            return false
        }
    }

    static let tokenWord = Array("token".utf8)

    /// A `name=` inside a text is sensitive when the name holds `token` or one of the project's fields.
    func isSensitiveName(_ name: String) -> Bool {
        ASCIISearch.contains(name.utf8, lowercased: Self.tokenWord)
            || customFields.contains { ASCIISearch.contains(name.utf8, lowercased: $0) }
    }

    /// One of `sensitiveWords` (any case) at `index`.
    @inline(__always) static func startsSensitiveWord(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        switch ASCIISearch.lower(bytes[index]) {
        case UInt8(ascii: "p"):
            return has(bytes, index, "password") || has(bytes, index, "passwd") || has(bytes, index, "privatekey")
                || has(bytes, index, "private_key")
        case UInt8(ascii: "s"): return has(bytes, index, "secret")
        case UInt8(ascii: "a"):
            return has(bytes, index, "auth") || has(bytes, index, "api_key") || has(bytes, index, "apikey") || has(bytes, index, "api-key")
        case UInt8(ascii: "c"): return has(bytes, index, "credentials")
        case UInt8(ascii: "m"): return has(bytes, index, "mysql_pwd")
        default: return false
        }
    }

    @inline(__always) static func has(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let start = word.utf8Start
        for offset in 1..<count where ASCIISearch.lower(bytes[index + offset]) != start[offset] { return false }
        return true
    }

    func scrubText(_ text: String) -> JSON {
        if isSensitiveText(text) { return .string(Self.filtered) }
        // A form body, query string or URL hides its secrets behind percent-encoding (`Bearer%20…`,
        // `wire%20to%20DE89…`): Sentry reads those as pairs; a text whose decoded form holds a secret
        // is filtered whole here.
        if let decoded = PercentDecoding.decode(text) {
            // Pairs apart, so a value ends where Sentry's pair parsing would end it.
            let values = String(String.UnicodeScalarView(decoded.unicodeScalars.map { $0 == "&" || $0 == "=" ? " " : $0 }))
            if isSensitiveText(decoded) || SecretPatterns.scrub(values) != values { return .string(Self.filtered) }
        }
        return .string(SecretPatterns.scrub(text))
    }

    /// Cookies (pairs or an object): session and CSRF cookies by name, then the ordinary rules.
    func scrubCookies(_ cookies: JSON) -> JSON {
        func one(_ name: String, _ value: JSON) -> JSON {
            // Sentry's session-cookie rule is its own application: safe fields do not exempt from it.
            Self.sessionCookies.contains(name.lowercased()) && !value.isNull ? .string(Self.filtered) : scrub(value, key: name, place: .general)
        }
        switch cookies {
        case .object(let members):
            var result: [String: JSON] = [:]
            for (name, value) in members { result[name] = one(name, value) }
            return .object(result)
        case .array(let items):
            return .array(items.map { item in
                guard case .array(let pair) = item, pair.count == 2, let name = pair[0].string else { return scrub(item, key: nil, place: .general) }
                return .array([pair[0], one(name, pair[1])])
            })
        default:
            return scrub(cookies, key: "cookies", place: .general)
        }
    }

    /// A `Cookie` header left among the headers (the normalizer moves it into `cookies`): filtered
    /// whole when one of its cookies would be.
    func scrubCookieHeader(_ header: String) -> JSON {
        for part in header.split(separator: ";") {
            let piece = part.drop(while: { $0 == " " })
            let name = String(piece.prefix(while: { $0 != "=" }))
            let value = String(piece.dropFirst(name.count + 1))
            if scrubCookies(.array([.array([.string(name), .string(value)])])) != .array([.array([.string(name), .string(value)])]) {
                return .string(Self.filtered)
            }
        }
        return .string(header)
    }

    @inline(__always) func isSafe(_ key: String?) -> Bool {
        guard let key, !safeKeys.isEmpty else { return false }
        return safeKeys.contains(key.lowercased())
    }

    func scrub(_ value: JSON, key: String?, place: Place) -> JSON {
        let safe = isSafe(key)
        if let key, !safe, isSensitive(key), !value.isNull { return .string(Self.filtered) }
        switch value {
        case .string(let text):
            if safe { return value }
            if place == .stack, let key, key == "value" || key == "filename" || key == "abs_path" { return value }
            if let key, key.utf8.count == Self.userAgent.count, ASCIISearch.contains(key.utf8, lowercased: Self.userAgent) { return value }
            return scrubText(text)
        case .array(let items):
            if place == .pairList {
                return .array(items.map { item in
                    // `[name, value]`: judged by its name; the name itself is not scrubbed.
                    if case .array(let pair) = item, pair.count == 2, let name = pair[0].string {
                        if name.utf8.count == 6, name.lowercased() == "cookie", case .string(let header) = pair[1] {
                            return .array([pair[0], scrubCookieHeader(header)])
                        }
                        return .array([pair[0], scrub(pair[1], key: name, place: .general)])
                    }
                    return scrub(item, key: nil, place: .general)
                })
            }
            return .array(items.map { scrub($0, key: nil, place: place == .pairList ? .general : place) })
        case .object(let members):
            var result: [String: JSON] = [:]
            result.reserveCapacity(members.count)
            for (name, member) in members {
                let inner: Place = Self.isPairList(name) ? .pairList : (place == .pairList ? .general : place)
                if name == "cookies" {
                    result[name] = scrubCookies(member)
                    continue
                }
                result[name] = scrub(member, key: name, place: inner)
            }
            return .object(result)
        default:
            return value
        }
    }
}
