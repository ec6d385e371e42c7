import EventModel
import Foundation
import Scrubbing

/// Sentry's normalizer for `request`, as `sentry-relay` 0.10.1 does it (checked by bench/parity):
/// the method in upper case; the URL's query and fragment moved out of it (into `query_string`
/// when none is given, and `fragment`); a query string given as text read into `[name, value]`
/// pairs; headers as pairs with `Title-Case` names; cookies as pairs (`CookieNormalization`, which
/// records what it finds invalid in `meta`); a body given as text read as JSON, or as a form when
/// it is one. The scrubber then judges each pair by its name, as Sentry's does. Linear in the
/// request. Pure.
enum RequestNormalization {
    static func apply(_ event: inout [String: JSON], meta: inout EventMeta) {
        guard case .object(var request)? = event["request"] else { return }
        if case .string(let method)? = request["method"] { request["method"] = .string(method.uppercased()) }
        if case .string(let url)? = request["url"] {
            var rest = Substring(url)
            if let hash = rest.firstIndex(of: "#") {
                if request["fragment"] == nil || request["fragment"] == .null {
                    let fragment = rest[rest.index(after: hash)...]
                    if !fragment.isEmpty { request["fragment"] = .string(String(fragment)) }
                }
                rest = rest[..<hash]
            }
            if let question = rest.firstIndex(of: "?") {
                let query = rest[rest.index(after: question)...]
                if request["query_string"] == nil || request["query_string"] == .null, !query.isEmpty {
                    request["query_string"] = .string(String(query))
                }
                rest = rest[..<question]
            }
            request["url"] = .string(String(rest))
        }
        if case .string(let query)? = request["query_string"] {
            let text = query.hasPrefix("?") ? String(query.dropFirst()) : query
            request["query_string"] = .array(pairs(text, separator: "&", decode: true))
        }
        if let headers = request["headers"], let list = headerPairs(headers) { request["headers"] = .array(list) }
        CookieNormalization.apply(&request, meta: &meta, at: ["request"])
        if case .string(let body)? = request["data"], let parsed = parsedBody(body, contentType: contentType(request["headers"])) {
            request["data"] = parsed
        }
        event["request"] = .object(request)
    }

    /// `a=1&b=2` as `[["a", "1"], ["b", "2"]]`; a name without `=` gets an empty value.
    static func pairs(_ text: String, separator: Character, decode: Bool) -> [JSON] {
        text.split(separator: separator, omittingEmptySubsequences: true).map { part in
            let piece = separator == ";" ? part.drop(while: { $0 == " " }) : part
            let (name, value): (Substring, Substring) = piece.firstIndex(of: "=").map {
                (piece[..<$0], piece[piece.index(after: $0)...])
            } ?? (piece, "")
            return .array([.string(decode ? formDecoded(name) : String(name)), .string(decode ? formDecoded(value) : String(value))])
        }
    }

    /// Percent-decoding with `+` as a space; an invalid escape is kept as written.
    static func formDecoded(_ text: Substring) -> String {
        let string = String(text)
        return PercentDecoding.decode(string) ?? string
    }

    /// Headers as sorted `[Name, value]` pairs with each dash-separated word's first letter in
    /// upper case (the rest as sent: `apiKey` → `ApiKey`).
    static func headerPairs(_ headers: JSON) -> [JSON]? {
        let list: [(String, JSON)]
        switch headers {
        case .object(let members): list = members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        case .array(let items):
            list = items.compactMap { item in
                guard case .array(let pair) = item, pair.count == 2, let name = pair[0].string else { return nil }
                return (name, pair[1])
            }
        default: return nil
        }
        return list.map { .array([.string(titleCased($0.0)), $0.1]) }
    }

    static func titleCased(_ name: String) -> String {
        name.split(separator: "-", omittingEmptySubsequences: false)
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
    }

    static func contentType(_ headers: JSON?) -> String? {
        headers?.array?.first { $0.array?.first?.string?.lowercased() == "content-type" }?.array?.last?.string?.lowercased()
    }

    /// A JSON body as its value; a form body (declared, or text that reads as `name=value` pairs
    /// without spaces) as an object; anything else stays text.
    static func parsedBody(_ body: String, contentType: String?) -> JSON? {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            if let parsed = try? JSON.parse(trimmed) { return parsed }
        }
        let isForm = contentType?.hasPrefix("application/x-www-form-urlencoded") == true
            || (body.contains("=") && !body.contains(where: { $0.isWhitespace }))
        guard isForm else { return nil }
        var object: [String: JSON] = [:]
        for pair in pairs(body, separator: "&", decode: true) {
            guard case .array(let items) = pair, let name = items[0].string, object[name] == nil else { continue }
            object[name] = items[1]
        }
        return .object(object)
    }
}
