import GlobEngine

/// Sentry's rule globs: `*` any run, `?` one character, `[abc]`/`[!abc]` classes, `\x` a literal.
/// With `doubleStar`, `*` and `?` stop at `/` and `**` crosses it (paths). Matched by the shared
/// non-backtracking `GlobMatcher`; this type adds the rules' preparation of pattern and text
/// (lower-casing, `\` as `/`).
struct Glob: Sendable, Equatable {
    let matcher: GlobMatcher
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
        matcher = GlobMatcher(text, syntax: .init(escapes: !pathNormalize, classes: true, pathAware: doubleStar))
    }

    var tokens: [GlobMatcher.Token] { matcher.tokens }

    /// The byte-level tables, when the pattern can be matched byte by byte.
    var ascii: [UInt64]? { matcher.asciiTable }

    /// The text prepared the way this glob compares it (lower-cased, `\` as `/`).
    func subject(_ value: String) -> GlobSubject {
        GlobSubject(value, lowercase: ignoreCase, pathNormalize: pathNormalize)
    }

    func matches(_ value: String) -> Bool {
        matches(subject(value))
    }

    /// `subject` must have been prepared as `subject(_:)` prepares it.
    func matches(_ subject: GlobSubject) -> Bool {
        if let bytes = subject.ascii, ascii != nil { return matcher.matches(ascii: bytes) }
        return matcher.matches(characters: subject.text)
    }

    /// The character path; `text` prepared as for `matches(_:)`.
    func matchesCharacters(_ text: String) -> Bool {
        matcher.matches(characters: text)
    }
}
