import GlobEngine
import Quotas
import Testing
@testable import Grouping

/// The one glob engine: the semantics every user had before, checked against a reference
/// matcher (dynamic programming over pattern and text, obviously correct and O(n·m)), and
/// hostile patterns and texts that made the old backtracking matchers exponential.
@Suite struct GlobEngineTests {
    /// Reference: `match[i][j]` says the first `i` tokens match the first `j` characters.
    static func reference(_ tokens: [GlobMatcher.Token], _ text: String, pathAware: Bool) -> Bool {
        let chars = Array(text)
        var row = [Bool](repeating: false, count: chars.count + 1)
        row[0] = true
        for token in tokens {
            var next = [Bool](repeating: false, count: chars.count + 1)
            for j in 0...chars.count {
                switch token {
                case .star, .doubleStar:
                    let crosses = token == .doubleStar || !pathAware
                    next[j] = row[j] || (j > 0 && next[j - 1] && (crosses || chars[j - 1] != "/"))
                case .any:
                    next[j] = j > 0 && row[j - 1] && !(pathAware && chars[j - 1] == "/")
                case .literal(let c):
                    next[j] = j > 0 && row[j - 1] && chars[j - 1] == c
                case .set(let members, let negated, let ranges):
                    guard j > 0, row[j - 1] else { continue }
                    let c = chars[j - 1]
                    next[j] = (members.contains(c) || ranges.contains { $0.contains(c) }) != negated
                }
            }
            row = next
        }
        return row[chars.count]
    }

    static let patterns = [
        "*", "?", "**", "a*b", "*a*", "**/x/**", "*/x.js", "[a-c]*", "[!a]?", "[^/]*", "[]a]*", "[a-]*", "\\*x", "a\\",
        "[", "x[ab", "?[[]Sentry*", "**/*newrelic*/**", "*.app/contents/**", "A*", "[A-Z]?*", "*a*a*a*a*b", "***", "a**b",
        "*/*/*", "**/**/x", "", "?*?", "[é]*", "caf?",
    ]

    @Test func everySyntaxAgreesWithTheReference() {
        var generator = GroupingFastPathTests.Generator(state: 11)
        let alphabet = Array("ab/x.-*?[]\\Aé")
        var texts = ["", "/", "a", "ab", "aab", "a/b", "x.js", "a/x.js", "/app/node_modules/x/y.js", "-[SentryClient send]", "café"]
        for _ in 0..<200 { texts.append(generator.text(alphabet, maxLength: 10)) }
        let syntaxes = [GlobMatcher.Syntax(escapes: true, classes: true, pathAware: false),
                        GlobMatcher.Syntax(escapes: true, classes: true, pathAware: true),
                        GlobMatcher.Syntax(escapes: false, classes: false, pathAware: false)]
        for pattern in Self.patterns {
            for syntax in syntaxes {
                let matcher = GlobMatcher(pattern, syntax: syntax)
                for text in texts {
                    let expected = Self.reference(matcher.tokens, text, pathAware: syntax.pathAware)
                    #expect(matcher.matches(characters: text) == expected, "\(pattern) on \(text)")
                    let (prepared, ascii) = GlobText.prepare(text)
                    if let ascii { #expect(matcher.matches(ascii: ascii) == expected, "\(pattern) bytes on \(prepared)") }
                }
            }
        }
    }

    @Test func patternsLongerThanOneWordOfStates() {
        // 100 tokens: the multi-word path, with carries between words.
        let pattern = String(repeating: "a*", count: 50)
        let matcher = GlobMatcher(pattern, syntax: .init(escapes: true, classes: true, pathAware: false))
        #expect(matcher.matches(ascii: Array(String(repeating: "a", count: 50).utf8)))
        #expect(matcher.matches(ascii: Array(String(repeating: "ab", count: 60).utf8)))
        #expect(!matcher.matches(ascii: Array(String(repeating: "a", count: 49).utf8)))
        #expect(!matcher.matches(characters: String(repeating: "a", count: 49) + "é"))
        #expect(matcher.matches(characters: String(repeating: "aé", count: 50)))
    }

    @Test func hostileInputsGiveTheRightAnswer() {
        let newrelic = String(repeating: "newrelic/", count: 20_000) + "x.py"
        #expect(Glob("**/*newrelic*/**", pathNormalize: true, doubleStar: true).matches(newrelic))
        #expect(!Glob("**/*newrelic*/**/y.py", pathNormalize: true, doubleStar: true).matches(newrelic))
        let many = String(repeating: "*a", count: 40) + "*b"
        #expect(!Glob(many).matches(String(repeating: "a", count: 100_000)))
        #expect(Glob(many).matches(String(repeating: "a", count: 100_000) + "b"))
        #expect(!GlobPattern(many).matches(String(repeating: "a", count: 100_000)))
        #expect(GlobPattern("*" + String(repeating: "?", count: 30) + "*").matches(String(repeating: "x", count: 50_000)))
    }

    /// The examples every user of globs had before the engine was shared.
    @Test func existingExamplesKeepTheirAnswers() {
        #expect(Glob("**/node_modules/**", pathNormalize: true, doubleStar: true).matches("/app/node_modules/x/y.js"))
        #expect(!Glob("*/x.js", doubleStar: true).matches("a/b/x.js"))
        #expect(Glob("?[[]Sentry*").matches("-[SentryClient send]"))
        #expect(Glob("java.*").matches("java.lang.Thread"))
        #expect(!Glob("java.*").matches("javax.net"))
        #expect(GlobPattern("*ConnectionError*").matches("requests.exceptions.connectionerror: refused"))
        #expect(GlobPattern("1.0-beta?").matches("1.0-BETA3"))
        #expect(!GlobPattern("1.0-beta?").matches("1.0-beta33"))
        #expect(GlobPattern("*").matches(""))
        #expect(!GlobPattern("a*b").matches("ac"))
        // Inbound-filter globs have no classes and no escapes: `[` and `\` are themselves.
        #expect(GlobPattern("[x]*").matches("[x] failed"))
        #expect(!GlobPattern("[x]*").matches("x failed"))
        #expect(GlobPattern("a\\b").matches("A\\B"))
        #expect(Glob("a?b").matches("a\r\nb"))
        #expect(Glob("caf?").matches("cafe\u{301}"))
    }
}
