/// A filter value: literal text, or a pattern in which `*` matches any run of characters
/// (`\*` is a literal asterisk, `\\` a literal backslash).
struct SearchValue: Equatable, Sendable {
    /// The literal text between wildcards: `a*b` is ["a", "b"], `*` is ["", ""]; a value without a
    /// wildcard has exactly one piece.
    var pieces: [String]

    init(_ literal: String) { pieces = [literal] }
    init(pieces: [String]) { self.pieces = pieces.isEmpty ? [""] : pieces }

    /// Splits text as written in a query on its unescaped `*`.
    init(pattern written: String) {
        var pieces: [String] = []
        var current = ""
        var escaping = false
        for scalar in written.unicodeScalars {
            if escaping {
                // Only `*` and `\` are escapable; elsewhere the backslash is kept as written.
                if scalar != "*" && scalar != "\\" { current.unicodeScalars.append("\\") }
                current.unicodeScalars.append(scalar)
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else if scalar == "*" {
                pieces.append(current)
                current = ""
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        if escaping { current.unicodeScalars.append("\\") }
        pieces.append(current)
        self.pieces = pieces
    }

    var isPattern: Bool { pieces.count > 1 }

    /// The text with wildcards shown as `*`; for a value without wildcards, the value itself.
    var text: String { pieces.joined(separator: "*") }

    /// A `LIKE … ESCAPE '\'` pattern matching exactly this value: `%`, `_` and `\` are escaped,
    /// wildcards become `%`.
    var likePattern: String {
        pieces.map(Self.escapingLike).joined(separator: "%")
    }

    /// A `LIKE` pattern matching any text that contains this value.
    var containsPattern: String { "%" + likePattern + "%" }

    static func escapingLike(_ text: String) -> String {
        var escaped = ""
        escaped.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar == "%" || scalar == "_" { escaped.unicodeScalars.append("\\") }
            escaped.unicodeScalars.append(scalar)
        }
        return escaped
    }
}
