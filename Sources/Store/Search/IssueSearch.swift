import Foundation

/// A parsed issue search in Sentry's syntax (docs/SEARCH.md): terms that must all hold.
/// Parsing is pure; `now` anchors relative dates such as `firstSeen:-24h`.
public struct IssueSearch: Equatable, Sendable {
    var terms: [SearchTerm]

    /// No terms: the search keeps everything.
    public var isEmpty: Bool { terms.isEmpty }

    /// Longer queries are refused before any work, so a query can never be slow to parse.
    static let maximumLength = 1_000
    static let maximumTerms = 50

    public static func parse(_ text: String, now: Date) throws(SearchError) -> IssueSearch {
        var scalars: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            guard scalars.count < maximumLength else {
                throw SearchError(position: maximumLength, "The search query is too long; the limit is \(maximumLength) characters")
            }
            scalars.append(scalar)
        }
        var scanner = SearchScanner(scalars)
        var terms: [SearchTerm] = []
        scanner.skipWhitespace()
        while !scanner.isAtEnd {
            guard terms.count < maximumTerms else {
                throw SearchError(position: scanner.position, "The search query has too many terms; the limit is \(maximumTerms)")
            }
            terms.append(try SearchTermInterpreter.interpret(try scanner.nextTerm(), now: now))
            scanner.skipWhitespace()
        }
        return IssueSearch(terms: terms)
    }
}
