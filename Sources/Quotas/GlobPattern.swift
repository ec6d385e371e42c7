import GlobEngine

/// Case-insensitive glob with `*` (any run) and `?` (one character), as Sentry's inbound
/// filters use for messages and releases; every other character is itself. Matched by the
/// shared non-backtracking `GlobMatcher`.
public struct GlobPattern: Sendable, Equatable {
    public let pattern: String
    private let matcher: GlobMatcher

    public init(_ pattern: String) {
        self.pattern = pattern
        matcher = GlobMatcher(pattern.lowercased(), syntax: .init(escapes: false, classes: false, pathAware: false))
    }

    public func matches(_ text: String) -> Bool {
        let (prepared, ascii) = GlobText.prepare(text, lowercase: true)
        if let ascii, matcher.asciiTable != nil { return matcher.matches(ascii: ascii) }
        return matcher.matches(characters: prepared)
    }
}
