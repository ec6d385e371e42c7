/// Splits one rule line into tokens shared by both rule languages: bare words, `"quoted"` text
/// (backslash escapes), `key:"quoted"` matchers, and the punctuation `[`, `]`, `|`, `->`, `,`.
/// A `#` after whitespace starts a comment.
struct RuleLexer {
    enum Token: Equatable {
        case word(String)
        case punct(String)
    }

    static func tokens(_ line: String, lineNumber: Int, punctuation: Set<Character>) throws(GroupingRuleError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "#" { break }
            if c == "-", i + 1 < chars.count, chars[i + 1] == ">" {
                tokens.append(.punct("->")); i += 2; continue
            }
            if punctuation.contains(c) { tokens.append(.punct(String(c))); i += 1; continue }
            var word = ""
            while i < chars.count, !chars[i].isWhitespace, !punctuation.contains(chars[i]) {
                if chars[i] == "-", i + 1 < chars.count, chars[i + 1] == ">" { break }
                if chars[i] == "\"" {
                    i += 1
                    var closed = false
                    while i < chars.count {
                        if chars[i] == "\\", i + 1 < chars.count { word.append(chars[i + 1]); i += 2; continue }
                        if chars[i] == "\"" { closed = true; i += 1; break }
                        word.append(chars[i]); i += 1
                    }
                    guard closed else { throw GroupingRuleError(line: lineNumber, message: "unterminated quoted value") }
                    continue
                }
                word.append(chars[i]); i += 1
            }
            tokens.append(.word(word))
        }
        return tokens
    }

    /// `!key:value` → (negated, key, value).
    static func matcher(_ word: String, lineNumber: Int) throws(GroupingRuleError) -> (Bool, String, String) {
        var text = Substring(word)
        let negated = text.hasPrefix("!")
        if negated { text = text.dropFirst() }
        guard let colon = text.firstIndex(of: ":") else {
            throw GroupingRuleError(line: lineNumber, message: "expected a matcher like key:value, found '\(word)'")
        }
        let key = String(text[..<colon])
        let value = String(text[text.index(after: colon)...])
        guard !key.isEmpty else { throw GroupingRuleError(line: lineNumber, message: "matcher '\(word)' has no key") }
        guard !value.isEmpty else { throw GroupingRuleError(line: lineNumber, message: "matcher '\(key)' has no value") }
        return (negated, key, value)
    }
}
