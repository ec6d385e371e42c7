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
