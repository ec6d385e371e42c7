import EventModel
import Foundation
import Scrubbing

/// Sentry's normalizer for `request`, as `sentry-relay` 0.10.1 does it (checked by bench/parity):
/// the method in upper case; the URL's query and fragment moved out of it (into `query_string`
/// when none is given, and `fragment`); a query string given as text read into `[name, value]`
/// pairs; cookies given as text (or in a `Cookie` header) read into pairs; headers as pairs with `Title-Case` names; a body
/// given as text read as JSON, or as a form when it is one. The scrubber then judges each pair by
/// its name, as Sentry's does. Linear in the request. Pure.
enum RequestNormalization {
    static func apply(_ event: inout [String: JSON]) {
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
        // A `Cookie` header becomes the cookies (when none are given) and leaves the headers.
        if request["cookies"] == nil || request["cookies"] == .null, let headers = request["headers"]?.array,
           let cookie = headers.first(where: { $0.array?.first?.string?.lowercased() == "cookie" })?.array?.last?.string,
           cookie.contains("=") {
            request["cookies"] = .string(cookie)
            request["headers"] = .array(headers.filter { $0.array?.first?.string?.lowercased() != "cookie" })
        }
        if case .string(let cookies)? = request["cookies"] {
            request["cookies"] = .array(pairs(cookies, separator: ";", decode: false).map { pair in
                guard case .array(let items) = pair, items.count == 2, let name = items[0].string else { return pair }
                return .array([.string(name.trimmingCharacters(in: .whitespaces)), items[1]])
            })
        }
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
