import EventModel

/// `request.cookies` as `sentry-relay` 0.10.1's normalizer leaves them (checked by
/// `CookieNormalizationTests` against the package and by bench/parity): always `[name, value]`
/// pairs, so the scrubber's remarks sit at `request.cookies.N.1` as Sentry's do.
/// - an object becomes its pairs sorted by name (byte order: Sentry's map is a `BTreeMap`); a
///   string value is kept, null stays null, any other value becomes null with an
///   `expected a string` error keeping the original;
/// - a list keeps its order: an item that is not a pair becomes null (`expected a tuple`), a name or
///   value that is not a string (or null) becomes null (`expected a string`);
/// - a text is split at `;`: each piece trimmed, `name=value` with both trimmed and percent-decoded
///   (no `+`; an invalid escape stays as written); a piece without `=`, with an empty name, or that
///   decodes to invalid UTF-8 is dropped with its error (each error once) and the whole text kept as
///   the original (the scrubber scrubs it there as Sentry's does);
/// - any other value is removed with `expected cookies`.
/// The first `Cookie` header (any case) leaves the headers when cookies are given, and becomes the
/// cookies when none are (or they were invalid) and it parses without error. Empty cookies are
/// dropped unless an error is recorded on them. Linear in the request. Pure.
enum CookieNormalization {
    static func apply(_ request: inout [String: JSON], meta: inout EventMeta, at path: [String]) {
        var cookiesMeta = EventMeta()
        var cookies: JSON? = nil
        if let given = request["cookies"], given != .null { cookies = pairs(of: given, meta: &cookiesMeta) }
        if case .array(var headers)? = request["headers"],
           let index = headers.firstIndex(where: { $0.array?.first?.string.map(isCookieHeader) == true }) {
            if cookies != nil {
                headers.remove(at: index)
            } else if let text = headerText(headers[index].array?.last), let parsed = strictlyParsed(text) {
                cookies = .array(parsed)
                cookiesMeta = EventMeta()
                headers.remove(at: index)
            }
            request["headers"] = .array(headers)
        }
        let cookiesPath = path + ["cookies"]
        if cookies == nil, request["cookies"] == nil || request["cookies"] == .null {
            request["cookies"] = nil
        } else if case .array(let list)? = cookies, list.isEmpty, cookiesMeta.isEmpty {
            request["cookies"] = nil
        } else {
            request["cookies"] = cookies ?? .null
        }
        if !cookiesMeta.isEmpty { meta.merge(cookiesMeta, at: cookiesPath) }
    }

    static func isCookieHeader(_ name: String) -> Bool {
        name.utf8.count == 6 && name.lowercased() == "cookie"
    }

    /// A header's value as text: a string, or a number or boolean written out (Sentry's header
    /// values take any primitive).
    static func headerText(_ value: JSON?) -> String? {
        switch value {
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return nil
        }
    }

    /// `cookies` as pairs (nil: not cookies), errors recorded in `meta` relative to the cookies.
    static func pairs(of cookies: JSON, meta: inout EventMeta) -> JSON? {
        switch cookies {
        case .object(let members):
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            return .array(sorted.enumerated().map { index, member in
                .array([.string(member.key), string(member.value, meta: &meta, at: [String(index), "1"])])
            })
        case .array(let items):
            return .array(items.enumerated().map { index, item in
                guard case .array(let pair) = item, pair.count == 2 else {
                    meta.addError(.invalidData("expected a tuple"), at: [String(index)], originalValue: item)
                    return .null
                }
                return .array([string(pair[0], meta: &meta, at: [String(index), "0"]),
                               string(pair[1], meta: &meta, at: [String(index), "1"])])
            })
        case .string(let text):
            var problems: [EventMeta.Problem] = []
            let parsed = parsed(text, problems: &problems)
            for problem in problems { meta.addError(problem, at: []) }
            if !problems.isEmpty { meta.withEntry(at: []) { $0.originalValue = cookies } }
            return .array(parsed)
        default:
            meta.addError(.invalidData("expected cookies"), at: [], originalValue: cookies)
            return nil
        }
    }

    static func string(_ value: JSON, meta: inout EventMeta, at path: [String]) -> JSON {
        switch value {
        case .string, .null: return value
        default:
            meta.addError(.invalidData("expected a string"), at: path, originalValue: value)
            return .null
        }
    }

    /// A `Cookie` header's pairs, or nil when any piece is invalid (Sentry then leaves the header).
    static func strictlyParsed(_ text: String) -> [JSON]? {
        var problems: [EventMeta.Problem] = []
        let pairs = parsed(text, problems: &problems)
        return problems.isEmpty ? pairs : nil
    }

    static let missingPair = EventMeta.Problem.invalidData("the cookie is missing a name/value pair")
    static let emptyName = EventMeta.Problem.invalidData("the cookie's name is empty")
    static let invalidUTF8 = EventMeta.Problem.invalidData("decoding the cookie's name or value resulted in invalid UTF-8")

    /// The valid pieces of a cookie text as pairs; each kind of problem once, in order of first
    /// appearance.
    static func parsed(_ text: String, problems: inout [EventMeta.Problem]) -> [JSON] {
        var pairs: [JSON] = []
        func problem(_ found: EventMeta.Problem) { if !problems.contains(found) { problems.append(found) } }
        for piece in text.split(separator: ";", omittingEmptySubsequences: false) {
            let cookie = trimmed(piece)
            if cookie.isEmpty { continue }
            guard let equals = cookie.firstIndex(of: "=") else { problem(missingPair); continue }
            let name = trimmed(cookie[..<equals]), value = trimmed(cookie[cookie.index(after: equals)...])
            if name.isEmpty { problem(emptyName); continue }
            guard let decodedName = decoded(name), let decodedValue = decoded(value) else { problem(invalidUTF8); continue }
            pairs.append(.array([.string(decodedName), .string(decodedValue)]))
        }
        return pairs
    }

    /// Without leading and trailing Unicode white space (Rust's `str::trim`).
    static func trimmed(_ text: Substring) -> Substring {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return Substring(scalars[first...last])
    }

    /// Percent-decoded (`%XX` only, an invalid escape kept as written); nil when the bytes are not UTF-8.
    static func decoded(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: return byte - 48
        case 65...70: return byte - 55
        case 97...102: return byte - 87
        default: return nil
        }
    }
}
