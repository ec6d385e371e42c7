/// Sentry's cursor, `<value>:<offset>:<is_prev>`. Faultline pages by offset, so `value` is 0.
struct Cursor: Equatable {
    var offset: Int

    init(offset: Int) { self.offset = max(0, offset) }

    init?(_ text: String?) {
        guard let text, !text.isEmpty else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let offset = Int(parts[1]), offset >= 0, offset <= Cursor.maxOffset else { return nil }
        self.offset = offset
    }

    var text: String { "0:\(offset):0" }

    /// Deeper pages are refused (a cursor is not a way to overflow arithmetic or scan forever).
    static let maxOffset = 1_000_000

    /// The `Link` header with `previous` and `next`, as sentry-cli follows it.
    static func linkHeader(url: String, offset: Int, limit: Int, hasMore: Bool) -> String {
        let previous = Cursor(offset: offset - limit)
        let next = Cursor(offset: offset + limit)
        return "<\(url)&cursor=\(previous.text)>; rel=\"previous\"; results=\"\(offset > 0)\"; cursor=\"\(previous.text)\", "
            + "<\(url)&cursor=\(next.text)>; rel=\"next\"; results=\"\(hasMore)\"; cursor=\"\(next.text)\""
    }
}

extension Cursor {
    /// Sentry's `cursor` and `per_page` parameters (per_page 1…100, default 100).
    static func page(cursor text: String?, perPage: String?) throws(QueryError) -> (cursor: Cursor, limit: Int) {
        var limit = 100
        if let perPage, !perPage.isEmpty {
            guard let value = Int(perPage) else { throw QueryError(.badRequest, "Invalid per_page parameter.") }
            guard (1...100).contains(value) else { throw QueryError(.badRequest, "Invalid per_page value. Must be between 1 and 100.") }
            limit = value
        }
        return (try parse(text), limit)
    }

    /// The `cursor` parameter: the first page when absent or empty, 400 when malformed.
    static func parse(_ text: String?) throws(QueryError) -> Cursor {
        guard let text, !text.isEmpty else { return Cursor(offset: 0) }
        guard let cursor = Cursor(text) else { throw QueryError(.badRequest, "Invalid cursor parameter.") }
        return cursor
    }

    /// The URL the Link header's entries start with: the request's path and query without
    /// `cursor`, ready for `&cursor=…` (`…/?&cursor=…` when nothing else was asked).
    static func pageURL(base: String, path: String, query: String?) -> String {
        let kept = (query ?? "").split(separator: "&").filter { !$0.hasPrefix("cursor=") && $0 != "cursor" }
        return "\(base)\(path)?\(kept.joined(separator: "&"))"
    }
}
