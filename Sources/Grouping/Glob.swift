/// Sentry's rule globs: `*` any run, `?` one character, `[abc]`/`[!abc]` classes, `\x` a literal.
/// With `doubleStar`, `*` and `?` stop at `/` and `**` crosses it (paths). Backtracking matcher on
/// characters, with a byte-level twin (`ASCIIGlob`) for the common all-ASCII texts.
struct Glob: Sendable, Equatable {
    enum Token: Sendable, Equatable {
        case literal(Character)
        case any            // ?
        case star           // *
        case doubleStar     // **
        case set(Set<Character>, negated: Bool, ranges: [ClosedRange<Character>])
    }

    let tokens: [Token]
    /// The byte-level matcher, when the pattern can be matched byte by byte.
    let ascii: ASCIIGlob?
    let ignoreCase: Bool
    let pathNormalize: Bool
    let doubleStar: Bool

    init(_ pattern: String, ignoreCase: Bool = false, pathNormalize: Bool = false, doubleStar: Bool = false) {
        self.ignoreCase = ignoreCase
        self.pathNormalize = pathNormalize
        self.doubleStar = doubleStar
        var text = pattern
        if ignoreCase { text = text.lowercased() }
        if pathNormalize { text = text.replacingOccurrences(of: "\\", with: "/") }
        let chars = Array(text)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*":
                if doubleStar, i + 1 < chars.count, chars[i + 1] == "*" {
                    tokens.append(.doubleStar)
                    i += 2
                    while i < chars.count, chars[i] == "*" { i += 1 }
                    continue
                }
                tokens.append(.star)
            case "?":
                tokens.append(.any)
            case "\\" where !pathNormalize && i + 1 < chars.count:
                i += 1
                tokens.append(.literal(chars[i]))
            case "[":
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
        self.tokens = tokens
        ascii = ASCIIGlob(tokens, slashAware: doubleStar)
    }

    /// The text prepared the way this glob compares it (lower-cased, `\` as `/`).
    func subject(_ value: String) -> GlobSubject {
        GlobSubject(value, lowercase: ignoreCase, pathNormalize: pathNormalize)
    }

    func matches(_ value: String) -> Bool {
        matches(subject(value))
    }

    /// `subject` must have been prepared as `subject(_:)` prepares it.
    func matches(_ subject: GlobSubject) -> Bool {
        if let bytes = subject.ascii, let ascii { return ascii.matches(bytes) }
        return matchesCharacters(subject.text)
    }

    /// The reference matcher, on characters; `text` prepared as for `matches(_:)`.
    func matchesCharacters(_ text: String) -> Bool {
        match(Array(text), 0, 0)
    }

    private func match(_ text: [Character], _ ti: Int, _ pi: Int) -> Bool {
        var ti = ti, pi = pi
        while pi < tokens.count {
            switch tokens[pi] {
            case .literal(let c):
                guard ti < text.count, text[ti] == c else { return false }
            case .any:
                guard ti < text.count, !(doubleStar && text[ti] == "/") else { return false }
            case .set(let members, let negated, let ranges):
                guard ti < text.count else { return false }
                let c = text[ti]
                let hit = members.contains(c) || ranges.contains { $0.contains(c) }
                guard hit != negated else { return false }
            case .star, .doubleStar:
                let crossesSlash = tokens[pi] == .doubleStar || !doubleStar
                if pi + 1 == tokens.count {
                    return crossesSlash || !text[ti...].contains("/")
                }
                var k = ti
                while true {
                    if match(text, k, pi + 1) { return true }
                    guard k < text.count, crossesSlash || text[k] != "/" else { return false }
                    k += 1
                }
            }
            ti += 1
            pi += 1
        }
        return ti == text.count
    }
}
