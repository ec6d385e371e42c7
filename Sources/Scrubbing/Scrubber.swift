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
/// Each change is recorded in `_meta` as Sentry's relay records it (rule id, kind, range in the new
/// value, original length), at the path of the changed value.
/// Pure; linear in the event (every scanner reads its text forward once; the path is a stack).
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

    /// Sentry's rule ids in `_meta`: the default rules' password rule, the project's sensitive
    /// fields, the session-cookie rule.
    static let passwordRule = "@password:filter"
    static let fieldsRule = "strip-fields"
    static let cookieRule = "@anything:filter"
    /// Where `[Filtered]` is in itself.
    static let filteredRange = 0..<filtered.unicodeScalars.count

    let settings: ScrubbingSettings
    let fields: [[UInt8]]
    /// The project's own sensitive fields, as written: Sentry matches them case-sensitively.
    let customFields: [[UInt8]]
    /// Safe fields (Sentry's `!field` exclusions): the value under such a key is kept, its
    /// members are still scrubbed.
    let safeKeys: Set<String>

    public init(_ settings: ScrubbingSettings) {
        self.settings = settings
        safeKeys = Set(settings.safeFields.map { $0.lowercased() })
        customFields = settings.sensitiveFields.map { Array($0.utf8) }.filter { !$0.isEmpty }
        fields = Self.defaultSensitiveFields.map { Array($0.utf8) }
    }

    /// The path of the value being scrubbed (a stack, pushed and popped on the way down) and the
    /// remarks recorded so far.
    struct Recorder {
        var path: [String] = []
        var meta = EventMeta()
        /// `meta` held remarks before this scrubber ran (an advanced rule's redactions).
        var earlierRemarks = false

        mutating func record(_ remarks: [EventMeta.Remark], originalLength: Int?) {
            guard !remarks.isEmpty else { return }
            meta.withEntry(at: path) { entry in
                entry.remarks += remarks
                if entry.originalLength == nil { entry.originalLength = originalLength }
            }
        }

        /// The value's remarks, when a scan around earlier redactions kept theirs among its own.
        mutating func replaceRemarks(_ remarks: [EventMeta.Remark]) {
            meta.withEntry(at: path) { $0.remarks = remarks }
        }

        /// A value `rule` replaced by `[Filtered]` whole. What earlier rules redacted in it is
        /// gone with it: Sentry keeps no remark of theirs then (only their original length).
        mutating func filtered(_ text: String, rule: String) {
            if earlierRemarks { meta.withEntry(at: path) { $0.remarks.removeAll() } }
            record([EventMeta.Remark(rule, .substituted, range: Scrubber.filteredRange)], originalLength: text.unicodeScalars.count)
        }
    }

    public func scrub(_ event: [String: JSON]) -> [String: JSON] {
        var meta = EventMeta()
        return scrub(event, meta: &meta)
    }

    /// Scrubs `event`, adding Sentry's remarks for what changed to `meta`.
    public func scrub(_ event: [String: JSON], meta: inout EventMeta) -> [String: JSON] {
        var result = event
        var recorder = Recorder()
        swap(&recorder.meta, &meta)
        defer { swap(&recorder.meta, &meta) }
        recorder.earlierRemarks = !recorder.meta.isEmpty
        if settings.scrubData {
            // Tags are not scrubbed by Sentry's default rules (a tag value with a line break, as a PEM
            // key has, is dropped by the normalizer).
            for (key, value) in event where !Self.structural.contains(key) && key != "tags" {
                recorder.path.append(key)
                defer { recorder.path.removeLast() }
                switch key {
                case "message":
                    if case .string(let text) = value { result[key] = .string(mask(text, &recorder)) } else {
                        result[key] = scrubMessage(value, &recorder)
                    }
                case "logentry":
                    result[key] = scrubMessage(value, &recorder)
                default:
                    let place: Place = key == "exception" || key == "threads" || key == "stacktrace" ? .stack
                        : Self.isPairList(key) ? .pairList : .general
                    result[key] = scrub(value, key: key, place: place, &recorder)
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

    /// The original text the normalizer kept (`val`) for a cookie string it could not read whole,
    /// scrubbed as a string (no remark), as Sentry's PII processor scrubs a string original: the
    /// text holds the very cookies the rules filter. Applied with the default rules, when
    /// `scrubData` is on.
    public func scrubOriginals(in meta: inout EventMeta) {
        guard settings.scrubData, case .string(let original)? = meta[Self.cookiesPath].entry.originalValue else { return }
        var discarded = Recorder()
        guard case .string(let scrubbed) = scrubText(original, &discarded), scrubbed != original else { return }
        meta.withEntry(at: Self.cookiesPath) { $0.originalValue = .string(scrubbed) }
    }

    static let cookiesPath = ["request", "cookies"]

    /// Where a value is, for the few places Sentry's rules leave alone.
    enum Place { case general, stack, pairList }

    /// Sentry's rules search only the text an earlier rule (an advanced config's, run first) left:
    /// its redactions are not searched again. When the earlier redactions at this value cover all
    /// of it, or the rules find nothing in the rest, the value is kept as it is (nil: scrub as
    /// usual). Only when earlier rules redacted something, so the default path pays one check.
    func keptAfterEarlierRedactions(_ text: String, _ recorder: Recorder, keyed: Bool,
                                    _ scrubRest: (String) -> String) -> String? {
        guard recorder.earlierRemarks else { return nil }
        let ranges = PiiProcessor.merged(recorder.meta[recorder.path].entry.remarks.compactMap {
            $0.ruleID.hasPrefix("!") ? nil : $0.range
        }.filter { !$0.isEmpty })
        guard !ranges.isEmpty else { return nil }
        var rest = String.UnicodeScalarView()
        var covered = 0
        // One cursor over the sorted, disjoint ranges: linear in the text and the remarks.
        var next = 0
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            while next < ranges.count, ranges[next].upperBound <= offset { next += 1 }
            if next < ranges.count, ranges[next].contains(offset) {
                rest.append(" ")
                covered += 1
            } else {
                rest.append(scalar)
            }
        }
        if covered == text.unicodeScalars.count { return text }
        if keyed { return nil }
        let restText = String(rest)
        return scrubRest(restText) == restText ? text : nil
    }

    /// The formatted message: secrets masked with Sentry's texts (`@…:replace`).
    func mask(_ text: String, _ recorder: inout Recorder) -> String {
        if recorder.earlierRemarks, let kept = keptAfterEarlierRedactions(text, recorder, keyed: false, {
            var changes = TextChanges()
            return SecretPatterns.scrub($0, style: .replace, changes: &changes)
        }) { return kept }
        if recorder.earlierRemarks, let (masked, changes) = scanAroundEarlierRedactions(text, recorder, { SecretPatterns.scrub($0, style: .replace, changes: &$1) }) {
            if masked != text { recorder.replaceRemarks(changes.remarks(in: masked)) }
            return masked
        }
        var changes = TextChanges()
        let masked = SecretPatterns.scrub(text, style: .replace, changes: &changes)
        if !changes.isEmpty { recorder.record(changes.remarks(in: masked), originalLength: text.unicodeScalars.count) }
        return masked
    }

    /// Scans `text` with `scan` the way Sentry's rules search a value earlier rules (an advanced
    /// config's) redacted parts of: each redaction is opaque (one NUL per character in the text
    /// searched, so a pattern may span it but not match in it); a new replacement over one takes its
    /// place, the others stay and move with the text. Nil when there are no earlier redactions
    /// (the default path: one check) or they cannot be laid out so (non-ASCII redaction texts, a
    /// NUL in the text).
    func scanAroundEarlierRedactions(_ text: String, _ recorder: Recorder,
                                     _ scan: (String, inout TextChanges) -> String) -> (String, TextChanges)? {
        guard recorder.earlierRemarks else { return nil }
        let remarks = recorder.meta[recorder.path].entry.remarks
        guard !remarks.isEmpty, remarks.allSatisfy({ $0.range != nil && $0.kind == .substituted }),
              !text.unicodeScalars.contains("\u{0}") else { return nil }
        var scalars = Array(text.unicodeScalars)
        var recorded: [TextChanges.Change] = []
        var contents: [[UInt8]] = []
        var utf8Offset = 0
        var utf8Starts: [Int] = []
        utf8Starts.reserveCapacity(scalars.count + 1)
        for scalar in scalars { utf8Starts.append(utf8Offset); utf8Offset += scalar.utf8.count }
        utf8Starts.append(utf8Offset)
        for (index, remark) in remarks.enumerated() {
            guard let range = remark.range, range.upperBound <= scalars.count,
                  scalars[range].allSatisfy(\.isASCII) else { return nil }
            contents.append(scalars[range].map { UInt8($0.value) })
            let bytes = utf8Starts[range.lowerBound]..<utf8Starts[range.upperBound]
            recorded.append(TextChanges.Change(range: bytes, rule: "\u{0}\(index)"))
            for position in range { scalars[position] = "\u{0}" }
        }
        recorded.sort { $0.range.lowerBound < $1.range.lowerBound }
        guard let seeded = TextChanges(recorded: recorded) else { return nil }
        let searched = String(String.UnicodeScalarView(scalars))
        var changes = seeded
        let scanned = scan(searched, &changes)
        if scanned == searched { return (text, TextChanges()) }
        var bytes = Array(scanned.utf8)
        let restored = changes.renamed { rule in
            guard rule.hasPrefix("\u{0}"), let index = Int(rule.dropFirst()), index < remarks.count else { return rule }
            return remarks[index].ruleID
        }
        for change in changes.changes where change.rule.hasPrefix("\u{0}") {
            guard let index = Int(change.rule.dropFirst()), index < contents.count,
                  contents[index].count == change.range.count, change.range.upperBound <= bytes.count else { return nil }
            bytes.replaceSubrange(change.range, with: contents[index])
        }
        return (String(decoding: bytes, as: UTF8.self), restored)
    }

    /// A message object: the formatted text masked, the params scrubbed, the template (`message`)
    /// kept, as Sentry keeps it (its schema marks the template as no PII; the params' secrets are
    /// filtered in the params and masked in the formatted text).
    func scrubMessage(_ value: JSON, _ recorder: inout Recorder) -> JSON {
        guard case .object(var members) = value else { return scrub(value, key: nil, place: .general, &recorder) }
        for (name, member) in members where name != "message" {
            recorder.path.append(name)
            defer { recorder.path.removeLast() }
            if name == "formatted", case .string(let text) = member {
                members[name] = .string(mask(text, &recorder))
            } else {
                members[name] = scrub(member, key: name, place: .general, &recorder)
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

    /// The rule that filters the value under `key`: a default field (any case) or one of the
    /// project's (as written).
    func sensitiveRule(_ key: String) -> String? {
        if fields.contains(where: { ASCIISearch.contains(key.utf8, lowercased: $0) }) { return Self.passwordRule }
        if customFields.contains(where: { ASCIISearch.contains(key.utf8, exactly: $0) }) { return Self.fieldsRule }
        return nil
    }

    func isSensitive(_ key: String) -> Bool { sensitiveRule(key) != nil }

    /// Sentry's `@password` check of a string value (as `sentry-relay` 0.10.1 answers it): the
    /// text names a secret (`password`, `secret`, `auth`, …) anywhere, is exactly `otp` or
    /// `two_factor`, or holds a `name=` whose name has `token` in it (`?token=…`); else Sentry's
    /// `strip-fields` check: the text holds one of the project's sensitive fields, as written
    /// (`open ~/notes.txt` for `note`). One forward pass: at a byte that starts one of the words,
    /// only the words starting with it are compared (static strings, so the scan does no
    /// reference counting). Answers the rule that matched.
    func sensitiveTextRule(_ text: String) -> String? {
        if text.utf8.count <= 10 {
            let lowered = text.lowercased()
            if lowered == "otp" || lowered == "two_factor" || lowered == "two-factor" { return Self.passwordRule }
        }
        var copy = text
        return copy.withUTF8 { bytes -> String? in
            var nameStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if Self.startsSensitiveWord(bytes, at: index) { return Self.passwordRule }
                if byte == UInt8(ascii: "=") {
                    if index > nameStart, index - nameStart <= 64,
                       let rule = sensitiveNameRule(String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<index]), as: UTF8.self)) {
                        return rule
                    }
                    nameStart = index + 1
                } else if !(TextScanners.isWord(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")) {
                    nameStart = index + 1
                }
                index += 1
            }
            return nil
        } ?? (customFields.contains(where: { ASCIISearch.contains(text.utf8, exactly: $0) }) ? Self.fieldsRule : nil)
    }

    func isSensitiveText(_ text: String) -> Bool { sensitiveTextRule(text) != nil }

    static let tokenWord = Array("token".utf8)

    /// A `name=` inside a text is sensitive when the name holds `token` (any case).
    func sensitiveNameRule(_ name: String) -> String? {
        ASCIISearch.contains(name.utf8, lowercased: Self.tokenWord) ? Self.passwordRule : nil
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

    /// A value filtered whole by `rule` (a sensitive key or text). When Sentry's other default
    /// rules already replace all of it (a card number under `password`), theirs is the remark: the
    /// password rule finds no text left.
    func filterWhole(_ text: String, rule: String, _ recorder: inout Recorder) -> JSON {
        if recorder.earlierRemarks, let kept = keptAfterEarlierRedactions(text, recorder, keyed: true, { $0 }) { return .string(kept) }
        var changes = TextChanges()
        let scrubbed = SecretPatterns.scrub(text, style: .filter, changes: &changes)
        // Sentry's password rule runs before the project's sensitive fields (`strip-fields`):
        // a text it filters is its remark.
        let first = rule == Self.fieldsRule && sensitiveTextRule(text) == Self.passwordRule ? Self.passwordRule : rule
        recorder.filtered(text, rule: changes.wholeRule(of: scrubbed) ?? first)
        return .string(Self.filtered)
    }

    func scrubText(_ text: String, _ recorder: inout Recorder) -> JSON {
        if recorder.earlierRemarks, let kept = keptAfterEarlierRedactions(text, recorder, keyed: false, { rest in
            var discarded = Recorder()
            return scrubText(rest, &discarded).string ?? rest
        }) { return .string(kept) }
        if let rule = sensitiveTextRule(text) { return filterWhole(text, rule: rule, &recorder) }
        // A form body, query string or URL hides its secrets behind percent-encoding (`Bearer%20…`,
        // `wire%20to%20DE89…`): Sentry reads those as pairs; a text whose decoded form holds a secret
        // is filtered whole here.
        if let decoded = PercentDecoding.decode(text) {
            // Pairs apart, so a value ends where Sentry's pair parsing would end it.
            let values = String(String.UnicodeScalarView(decoded.unicodeScalars.map { $0 == "&" || $0 == "=" ? " " : $0 }))
            var changes = TextChanges()
            if let rule = sensitiveTextRule(decoded) ?? {
                _ = SecretPatterns.scrub(values, style: .filter, changes: &changes)
                return changes.changes.first?.rule
            }() {
                recorder.filtered(text, rule: rule)
                return .string(Self.filtered)
            }
        }
        if recorder.earlierRemarks, let (scrubbed, changes) = scanAroundEarlierRedactions(text, recorder, { SecretPatterns.scrub($0, style: .filter, changes: &$1) }) {
            if scrubbed != text { recorder.replaceRemarks(changes.remarks(in: scrubbed)) }
            return .string(scrubbed)
        }
        var changes = TextChanges()
        let scrubbed = SecretPatterns.scrub(text, style: .filter, changes: &changes)
        if !changes.isEmpty { recorder.record(changes.remarks(in: scrubbed), originalLength: text.unicodeScalars.count) }
        return .string(scrubbed)
    }

    /// Cookies (pairs after the normalizer; an object is scrubbed by name too): Sentry's default
    /// rules (which safe fields exempt), then session and CSRF cookies by name (which they do not).
    func scrubCookies(_ cookies: JSON, _ recorder: inout Recorder) -> JSON {
        func general(_ name: String, _ value: JSON, _ recorder: inout Recorder) -> JSON {
            scrub(value, key: name, place: .general, &recorder)
        }
        func one(_ name: String, _ value: JSON, _ recorder: inout Recorder) -> JSON {
            guard Self.sessionCookies.contains(name.lowercased()), !value.isNull else { return general(name, value, &recorder) }
            // The session-cookie rule runs after the default rules: when those already filtered
            // the whole value, theirs is the remark; else it replaces the value whole.
            var first = Recorder()
            first.path = recorder.path
            if case .string(let text) = value {
                let byDefaults = isSafe(name) ? value : general(name, value, &first)
                let own = first.meta[recorder.path].entry.remarks
                let rule = byDefaults == .string(Self.filtered) && own.count == 1 && own[0].range == Self.filteredRange
                    ? own[0].ruleID : Self.cookieRule
                recorder.filtered(text, rule: rule)
            } else {
                recorder.record([EventMeta.Remark(Self.cookieRule, .substituted, range: Self.filteredRange)], originalLength: nil)
            }
            return .string(Self.filtered)
        }
        switch cookies {
        case .object(let members):
            var result: [String: JSON] = [:]
            for (name, value) in members {
                recorder.path.append(name)
                defer { recorder.path.removeLast() }
                result[name] = one(name, value, &recorder)
            }
            return .object(result)
        case .array(let items):
            return .array(items.enumerated().map { index, item in
                recorder.path.append(String(index))
                defer { recorder.path.removeLast() }
                guard case .array(let pair) = item, pair.count == 2, let name = pair[0].string else {
                    return scrub(item, key: nil, place: .general, &recorder)
                }
                recorder.path.append("1")
                defer { recorder.path.removeLast() }
                return .array([pair[0], one(name, pair[1], &recorder)])
            })
        default:
            return scrub(cookies, key: "cookies", place: .general, &recorder)
        }
    }

    /// A `Cookie` header left among the headers (the normalizer moves it into `cookies`): filtered
    /// whole when one of its cookies would be, with that cookie's rule.
    func scrubCookieHeader(_ header: String, _ recorder: inout Recorder) -> JSON {
        for part in header.split(separator: ";") {
            let piece = part.drop(while: { $0 == " " })
            let name = String(piece.prefix(while: { $0 != "=" }))
            let value = String(piece.dropFirst(name.count + 1))
            var cookie = Recorder()
            let pair: JSON = .array([.array([.string(name), .string(value)])])
            if scrubCookies(pair, &cookie) != pair {
                let rule = cookie.meta[["0", "1"]].entry.remarks.first?.ruleID ?? Self.cookieRule
                recorder.filtered(header, rule: rule)
                return .string(Self.filtered)
            }
        }
        return .string(header)
    }

    @inline(__always) func isSafe(_ key: String?) -> Bool {
        guard let key, !safeKeys.isEmpty else { return false }
        return safeKeys.contains(key.lowercased())
    }

    func scrub(_ value: JSON, key: String?, place: Place, _ recorder: inout Recorder) -> JSON {
        let safe = isSafe(key)
        if let key, !safe, let rule = sensitiveRule(key) {
            switch value {
            // Sentry's rules replace strings and remove other values (booleans say nothing).
            case .null, .bool: return value
            case .string(let text): return filterWhole(text, rule: rule, &recorder)
            default:
                recorder.record([EventMeta.Remark(rule, .removed)], originalLength: nil)
                return .null
            }
        }
        switch value {
        case .string(let text):
            if safe { return value }
            if place == .stack, let key, key == "value" || key == "filename" || key == "abs_path" { return value }
            if let key, key.utf8.count == Self.userAgent.count, ASCIISearch.contains(key.utf8, lowercased: Self.userAgent) { return value }
            return scrubText(text, &recorder)
        case .array(let items):
            if place == .pairList {
                return .array(items.enumerated().map { index, item in
                    recorder.path.append(String(index))
                    defer { recorder.path.removeLast() }
                    // `[name, value]`: judged by its name; the name itself is not scrubbed.
                    if case .array(let pair) = item, pair.count == 2, let name = pair[0].string {
                        recorder.path.append("1")
                        defer { recorder.path.removeLast() }
                        if name.utf8.count == 6, name.lowercased() == "cookie", case .string(let header) = pair[1] {
                            return .array([pair[0], scrubCookieHeader(header, &recorder)])
                        }
                        return .array([pair[0], scrub(pair[1], key: name, place: .general, &recorder)])
                    }
                    return scrub(item, key: nil, place: .general, &recorder)
                })
            }
            return .array(items.enumerated().map { index, item in
                recorder.path.append(String(index))
                defer { recorder.path.removeLast() }
                return scrub(item, key: nil, place: place == .pairList ? .general : place, &recorder)
            })
        case .object(let members):
            var result: [String: JSON] = [:]
            result.reserveCapacity(members.count)
            for (name, member) in members {
                recorder.path.append(name)
                defer { recorder.path.removeLast() }
                let inner: Place = Self.isPairList(name) ? .pairList : (place == .pairList ? .general : place)
                if name == "cookies" {
                    result[name] = scrubCookies(member, &recorder)
                    continue
                }
                result[name] = scrub(member, key: name, place: inner, &recorder)
            }
            return .object(result)
        default:
            return value
        }
    }
}
