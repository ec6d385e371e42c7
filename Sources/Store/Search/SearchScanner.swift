/// The lexical layer of the search syntax: splits a query into free text and `key:value` terms,
/// reading quotes, lists and negation. What keys and values mean is SearchTermInterpreter's.
struct SearchScanner {
    private let scalars: [Unicode.Scalar]
    private(set) var position = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var isAtEnd: Bool { position >= scalars.count }

    mutating func skipWhitespace() {
        while position < scalars.count, Self.isWhitespace(scalars[position]) { position += 1 }
    }

    /// Reads the term at the current position, which is not whitespace.
    mutating func nextTerm() throws(SearchError) -> ScannedTerm {
        let start = position
        let first = scalars[position]
        if first == "(" || first == ")" { throw .booleanStatement(at: start) }
        if first == "\"" {
            let value = try quoted()
            try expectTermEnd()
            return ScannedTerm(position: start, written: written(from: start), values: [value])
        }
        let negated = first == "!"
        if let key = try keyAhead(at: negated ? start + 1 : start) {
            position = key.valueStart
            if isAtEnd || Self.isWhitespace(scalars[position]) {
                return ScannedTerm(position: start, written: written(from: start), negated: negated, key: key.name,
                                   writtenKey: key.written, explicitTag: key.explicitTag, keyPosition: key.position,
                                   valuePosition: key.valueStart, values: [])
            }
            let isList = scalars[position] == "["
            let values = try isList ? list() : [value()]
            return ScannedTerm(position: start, written: written(from: start), negated: negated, key: key.name,
                               writtenKey: key.written, explicitTag: key.explicitTag, keyPosition: key.position,
                               valuePosition: key.valueStart, values: values, isList: isList)
        }
        while position < scalars.count, !Self.isWhitespace(scalars[position]) { position += 1 }
        let word = written(from: start)
        // Sentry's words are case-sensitive: only upper-case OR and AND are operators.
        if word == "OR" || word == "AND" { throw .booleanStatement(at: start) }
        return ScannedTerm(position: start, written: word, values: [ScannedValue(text: word, position: start)])
    }

    // MARK: Keys

    private struct Key {
        var name: String
        var written: String
        var explicitTag: Bool
        var position: Int
        var valueStart: Int
    }

    /// A key followed by `:` at `start`: `tags[…]` or a run of letters, digits, `_`, `.` and `-`.
    /// nil when the text there is not shaped as a key, so the term is free text.
    private func keyAhead(at start: Int) throws(SearchError) -> Key? {
        let prefix: [Unicode.Scalar] = ["t", "a", "g", "s", "["]
        if start + prefix.count <= scalars.count, Array(scalars[start..<start + prefix.count]) == prefix {
            var end = start + prefix.count
            while end < scalars.count, scalars[end] != "]", !Self.isWhitespace(scalars[end]) { end += 1 }
            guard end < scalars.count, scalars[end] == "]" else {
                throw SearchError(position: start, "Missing ] to close tags[")
            }
            guard end > start + prefix.count else { throw SearchError(position: end, "Empty tag name in tags[]") }
            guard end + 1 < scalars.count, scalars[end + 1] == ":" else { return nil }
            return Key(name: String(String.UnicodeScalarView(scalars[(start + prefix.count)..<end])),
                       written: String(String.UnicodeScalarView(scalars[start...end])),
                       explicitTag: true, position: start, valueStart: end + 2)
        }
        var end = start
        while end < scalars.count, Self.isKeyCharacter(scalars[end]) { end += 1 }
        guard end > start, end < scalars.count, scalars[end] == ":" else { return nil }
        let name = String(String.UnicodeScalarView(scalars[start..<end]))
        return Key(name: name, written: name, explicitTag: false, position: start, valueStart: end + 1)
    }

    private static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-": return true
        default: return false
        }
    }

    // MARK: Values

    /// A quoted or bare value, up to the end of the term.
    private mutating func value() throws(SearchError) -> ScannedValue {
        if scalars[position] == "\"" {
            let value = try quoted()
            try expectTermEnd()
            return value
        }
        let start = position
        while position < scalars.count, !Self.isWhitespace(scalars[position]) { position += 1 }
        return ScannedValue(text: written(from: start), position: start)
    }

    /// `[a, "b c", d*]`.
    private mutating func list() throws(SearchError) -> [ScannedValue] {
        let open = position
        position += 1
        var values: [ScannedValue] = []
        while true {
            skipWhitespace()
            guard position < scalars.count else { throw SearchError(position: open, "Missing ] to close the list") }
            if scalars[position] == "]", values.isEmpty { throw SearchError(position: open, "Empty list") }
            if scalars[position] == "\"" {
                values.append(try quoted())
            } else {
                let start = position
                while position < scalars.count, !Self.isWhitespace(scalars[position]),
                      scalars[position] != ",", scalars[position] != "]" { position += 1 }
                guard position > start else { throw SearchError(position: start, "Empty value in list") }
                values.append(ScannedValue(text: written(from: start), position: start))
            }
            skipWhitespace()
            guard position < scalars.count else { throw SearchError(position: open, "Missing ] to close the list") }
            if scalars[position] == "," { position += 1; continue }
            if scalars[position] == "]" { position += 1; break }
            throw SearchError(position: position, "Expected , or ] in the list")
        }
        try expectTermEnd()
        return values
    }

    /// `"…"` with `\"` for a quote. Other backslash sequences (`\*`, `\\`) are kept as written
    /// for the wildcard reading of the value.
    private mutating func quoted() throws(SearchError) -> ScannedValue {
        let open = position
        position += 1
        var text = ""
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == "\"" {
                position += 1
                return ScannedValue(text: text, position: open, quoted: true)
            }
            if scalar == "\\", position + 1 < scalars.count {
                let next = scalars[position + 1]
                if next != "\"" { text.unicodeScalars.append("\\") }
                text.unicodeScalars.append(next)
                position += 2
                continue
            }
            text.unicodeScalars.append(scalar)
            position += 1
        }
        throw SearchError(position: open, "Missing closing quote")
    }

    private func expectTermEnd() throws(SearchError) {
        guard position < scalars.count, !Self.isWhitespace(scalars[position]) else { return }
        throw SearchError(position: position, "Expected a space after a quoted value or list")
    }

    private func written(from start: Int) -> String {
        String(String.UnicodeScalarView(scalars[start..<position]))
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }
}

/// A term as written: free text (no key) or `key:value`, with positions for messages.
struct ScannedTerm {
    var position: Int
    /// The whole term as written.
    var written: String
    var negated = false
    /// nil for free text.
    var key: String?
    var writtenKey = ""
    /// `tags[key]:` rather than `key:`: always a tag, even when the key is a reserved one.
    var explicitTag = false
    var keyPosition = 0
    /// Where the value (or the list's `[`) begins.
    var valuePosition = 0
    /// Empty when nothing follows the colon (`key:` then a space).
    var values: [ScannedValue]
    var isList = false
}

struct ScannedValue {
    /// Unquoted text; `\*` and `\\` are still escaped (see SearchValue(pattern:)).
    var text: String
    var position: Int
    var quoted = false
}
