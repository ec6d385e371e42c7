/// The one glob engine of Faultline: stack trace rules, fingerprint rules and inbound filters
/// all match through it. A pattern is compiled to a position automaton (one state per token plus
/// the final one) and the text is read once, advancing the set of live states per character, so
/// a match costs O(text × pattern) at worst, however many `*` the pattern holds: no backtracking.
///
/// Syntax: `*` any run, `?` one character; with `classes`, `[abc]`, `[!abc]`/`[^abc]`, `[a-z]`
/// (a `]` right after `[` is a member; an unclosed `[` is a literal); with `escapes`, `\x` is a
/// literal `x`; with `pathAware`, `*` and `?` do not match `/` and `**` matches anything.
public struct GlobMatcher: Sendable, Equatable {
    public struct Syntax: Sendable, Equatable {
        public var escapes: Bool
        public var classes: Bool
        public var pathAware: Bool

        public init(escapes: Bool, classes: Bool, pathAware: Bool) {
            self.escapes = escapes
            self.classes = classes
            self.pathAware = pathAware
        }
    }

    public enum Token: Sendable, Equatable {
        case literal(Character)
        case any            // ?
        case star           // *
        case doubleStar     // **
        case set(Set<Character>, negated: Bool, ranges: [ClosedRange<Character>])
    }

    public let tokens: [Token]
    public let syntax: Syntax
    /// Live-state sets are bit sets of `words` 64-bit words (tokens + 1 states).
    let words: Int
    /// States whose token is `*` or `**`: they also pass on to the next state without a character.
    let stars: [UInt64]
    /// States that keep themselves on any character (`**`, and `*` unless path-aware).
    let loopAlways: [UInt64]
    /// States that keep themselves on characters other than `/` (every star).
    let loopNotSlash: [UInt64]
    /// Per ASCII byte, the states whose token accepts it (`words` words per byte), when every
    /// literal of the pattern is one ASCII byte; nil sends every text down the character path.
    public let asciiTable: [UInt64]?

    public init(_ pattern: String, syntax: Syntax) {
        let tokens = Self.tokenize(pattern, syntax: syntax)
        self.tokens = tokens
        self.syntax = syntax
        let words = (tokens.count + 1 + 63) / 64
        self.words = words
        var stars = [UInt64](repeating: 0, count: words)
        var loopAlways = [UInt64](repeating: 0, count: words)
        var loopNotSlash = [UInt64](repeating: 0, count: words)
        for (state, token) in tokens.enumerated() {
            let (word, bit) = (state / 64, UInt64(1) << UInt64(state % 64))
            switch token {
            case .star:
                stars[word] |= bit
                loopNotSlash[word] |= bit
                if !syntax.pathAware { loopAlways[word] |= bit }
            case .doubleStar:
                stars[word] |= bit
                loopNotSlash[word] |= bit
                loopAlways[word] |= bit
            default:
                break
            }
        }
        self.stars = stars
        self.loopAlways = loopAlways
        self.loopNotSlash = loopNotSlash
        let asciiLiterals = tokens.allSatisfy { token in
            guard case .literal(let c) = token else { return true }
            return c.asciiValue != nil && c.unicodeScalars.count == 1
        }
        if asciiLiterals {
            var table = [UInt64](repeating: 0, count: 128 * words)
            for byte in UInt8(0)..<128 {
                let c = Character(Unicode.Scalar(byte))
                for (state, token) in tokens.enumerated() where Self.accepts(token, c, pathAware: syntax.pathAware) {
                    table[Int(byte) * words + state / 64] |= UInt64(1) << UInt64(state % 64)
                }
            }
            asciiTable = table
        } else {
            asciiTable = nil
        }
    }

    static func tokenize(_ pattern: String, syntax: Syntax) -> [Token] {
        let chars = Array(pattern)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*":
                if syntax.pathAware, i + 1 < chars.count, chars[i + 1] == "*" {
                    tokens.append(.doubleStar)
                    i += 2
                    while i < chars.count, chars[i] == "*" { i += 1 }
                    continue
                }
                tokens.append(.star)
            case "?":
                tokens.append(.any)
            case "\\" where syntax.escapes && i + 1 < chars.count:
                i += 1
                tokens.append(.literal(chars[i]))
            case "[" where syntax.classes:
                var j = i + 1
                var negated = false
                if j < chars.count, chars[j] == "!" || chars[j] == "^" { negated = true; j += 1 }
                var members = Set<Character>()
                var ranges: [ClosedRange<Character>] = []
                var first = true
                while j < chars.count, chars[j] != "]" || first {
                    if j + 2 < chars.count, chars[j + 1] == "-", chars[j + 2] != "]", chars[j] <= chars[j + 2] {
                        ranges.append(chars[j]...chars[j + 2])
                        j += 3
                    } else {
                        members.insert(chars[j])
                        j += 1
                    }
                    first = false
                }
                if j < chars.count {
                    tokens.append(.set(members, negated: negated, ranges: ranges))
                    i = j
                } else {
                    tokens.append(.literal("["))
                }
            default:
                tokens.append(.literal(c))
            }
            i += 1
        }
        return tokens
    }

    /// Whether `token` consumes `c` and moves on (stars are handled by the loop masks).
    static func accepts(_ token: Token, _ c: Character, pathAware: Bool) -> Bool {
        switch token {
        case .literal(let literal): return c == literal
        case .any: return !(pathAware && c == "/")
        case .set(let members, let negated, let ranges):
            return (members.contains(c) || ranges.contains { $0.contains(c) }) != negated
        case .star, .doubleStar: return false
        }
    }

    /// Matches a text every character of which is one ASCII byte (see `GlobText`).
    public func matches(ascii text: [UInt8]) -> Bool {
        guard let table = asciiTable else {
            return matches(characters: String(decoding: text, as: UTF8.self))
        }
        return text.withUnsafeBufferPointer { bytes in
            if words == 1 { return matchOneWord(bytes, table) }
            return run(count: bytes.count) { index, accept in
                let row = Int(bytes[index] & 0x7F) * words
                for word in 0..<words { accept[word] = table[row + word] }
                return bytes[index] == UInt8(ascii: "/")
            }
        }
    }

    /// Matches any text, character by character (grapheme clusters, as Swift compares them).
    public func matches(characters text: String) -> Bool {
        let characters = Array(text)
        return run(count: characters.count) { index, accept in
            let c = characters[index]
            for word in 0..<words { accept[word] = 0 }
            for (state, token) in tokens.enumerated() where Self.accepts(token, c, pathAware: syntax.pathAware) {
                accept[state / 64] |= UInt64(1) << UInt64(state % 64)
            }
            return c == "/"
        }
    }

    /// The common case: at most 63 tokens, one word of states, bytes looked up in the table.
    private func matchOneWord(_ bytes: UnsafeBufferPointer<UInt8>, _ table: [UInt64]) -> Bool {
        let stars = self.stars[0], always = loopAlways[0], notSlash = loopNotSlash[0]
        @inline(__always) func close(_ state: UInt64) -> UInt64 {
            var state = state
            while true {
                let next = state | ((state & stars) << 1)
                if next == state { return state }
                state = next
            }
        }
        var live = close(1)
        for byte in bytes {
            let loops = byte == UInt8(ascii: "/") ? always : notSlash
            live = close(((live & table[Int(byte & 0x7F)]) << 1) | (live & loops))
            if live == 0 { return false }
        }
        return live & (UInt64(1) << UInt64(tokens.count)) != 0
    }

    /// The general simulation over `words` words; `fill` writes the accepting states of the
    /// character at an index and says whether it is `/`.
    private func run(count: Int, _ fill: (Int, inout [UInt64]) -> Bool) -> Bool {
        var live = [UInt64](repeating: 0, count: words)
        var next = live
        var accept = live
        live[0] = 1
        close(&live)
        for index in 0..<count {
            let isSlash = fill(index, &accept)
            let loops = isSlash ? loopAlways : loopNotSlash
            var carry: UInt64 = 0
            var any: UInt64 = 0
            for word in 0..<words {
                let moved = live[word] & accept[word]
                next[word] = (moved << 1) | carry | (live[word] & loops[word])
                carry = moved >> 63
                any |= next[word]
            }
            if any == 0 { return false }
            swap(&live, &next)
            close(&live)
        }
        let accepting = tokens.count
        return live[accepting / 64] & (UInt64(1) << UInt64(accepting % 64)) != 0
    }

    /// Adds the states reachable through stars without reading a character.
    private func close(_ live: inout [UInt64]) {
        var changed = true
        while changed {
            changed = false
            var carry: UInt64 = 0
            for word in 0..<words {
                let passing = live[word] & stars[word]
                let updated = live[word] | (passing << 1) | carry
                carry = passing >> 63
                if updated != live[word] { live[word] = updated; changed = true }
            }
        }
    }
}
