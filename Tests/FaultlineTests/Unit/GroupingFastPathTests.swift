import Testing
@testable import Grouping

/// The fast paths of grouping agree with the general code they stand in for.
@Suite struct GroupingFastPathTests {
    /// A small deterministic generator, so a failure can be reproduced.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func text(_ alphabet: [Character], maxLength: Int) -> String {
            String((0..<next(maxLength + 1)).map { _ in alphabet[next(alphabet.count)] })
        }
    }

    static let handWrittenPatterns = [
        "*", "?", "**", "a*b", "*a*", "**/x/**", "*/x.js", "[a-c]*", "[!a]?", "[^/]*", "[]a]*", "[a-]*", "\\*x", "a\\",
        "[", "x[ab", "?[[]Sentry*", "**/*newrelic*/**", "*.app/contents/**", "A*", "[A-Z]?*",
    ]

    @Test func asciiGlobAgreesWithTheCharacterMatcher() {
        var generator = Generator(state: 42)
        let builtIn = BuiltInStackTraceRules.rules.rules.flatMap { $0.matchers.map(\.glob) }
        var globs = builtIn
        for pattern in Self.handWrittenPatterns {
            globs += [Glob(pattern), Glob(pattern, ignoreCase: true), Glob(pattern.lowercased(), pathNormalize: true, doubleStar: true),
                      Glob(pattern, doubleStar: true)]
        }
        let alphabet = Array("ab/x.-_*?[]\\AZsentry:")
        var texts = ["", "/", "a", "ab", "/app/node_modules/x/y.js", "C:\\Users\\x\\vendor\\y.js", "-[SentryClient send]",
                     "std::vector", "io.sentry.Hub", "/usr/lib/libc.so", "x.app/Contents/MacOS/x"]
        for _ in 0..<300 { texts.append(generator.text(alphabet, maxLength: 12)) }
        for glob in globs where glob.ascii != nil {
            for text in texts {
                let subject = glob.subject(text)
                #expect(subject.ascii != nil)
                #expect(glob.matches(subject) == glob.matchesCharacters(subject.text), "\(glob.tokens) on \(text)")
            }
        }
        // Texts the byte path must leave to the character matcher.
        #expect(GlobSubject("a\r\nb").ascii == nil)
        #expect(GlobSubject("café").ascii == nil)
        #expect(Glob("a?b").matches("a\r\nb"))
        #expect(Glob("caf?").matches("cafe\u{301}"))
        #expect(Glob("**/CAFÉ/**", pathNormalize: true, doubleStar: true).ascii == nil)
    }

    @Test func pathSubjectsKeepTheLeadingSlashRule() {
        let glob = Glob("/src/**", pathNormalize: true, doubleStar: true)
        let relative = StackTraceRules.PathSubject("SRC\\x.py")!
        #expect(relative.plain.text == "src/x.py")
        #expect(relative.slashed?.text == "/src/x.py")
        #expect(glob.matches(relative.slashed!))
        // A leading backslash is no leading slash: "/" is still put in front, as the rules always did.
        #expect(StackTraceRules.PathSubject("\\src\\x.py")?.slashed?.text == "//src/x.py")
        #expect(StackTraceRules.PathSubject("/src/x.py")?.slashed == nil)
        #expect(StackTraceRules.PathSubject("") == nil)
    }

    static let plainTexts = [
        "upstream refused connection while fetching /api/cart", "Cannot read properties of undefined (reading 'x')",
        "No such file or directory", "KeyError 'user'", "abcdef", "ABCDEFA", "deadbee", "Connection refused.",
        "a. b", "x-y_z (w) [v] {u} <t> 'q' \"r\" ! ? , ; /",
    ]

    @Test func preScanNeverSkipsTextTheRegexWouldChange() {
        for text in Self.plainTexts {
            #expect(!ParameterPreScan.mayContainParameters(text), "\(text)")
            #expect(MessageParameterizer.parameterizeWithRegex(text) == text)
        }
        var generator = Generator(state: 7)
        // Mostly characters that never start a parameter, with a few that might.
        let alphabet = Array("abcdefABCDEFghxyzGXYZ  ._-/'\"()=:@1%#,!?\t")
        var skipped = 0
        for _ in 0..<3000 {
            let text = generator.text(alphabet, maxLength: 24)
            if !ParameterPreScan.mayContainParameters(text) {
                skipped += 1
                #expect(MessageParameterizer.parameterizeWithRegex(text) == text, "\(text)")
            }
        }
        #expect(skipped > 300)
        for text in ["id 1", "bob@x", "a::b", "x.com", "k=v", "deadbeefcafe", "DEADBEEF", "٣ items", "datetime.datetime(1)"] {
            #expect(ParameterPreScan.mayContainParameters(text), "\(text)")
        }
    }

    @Test func oneLineASCIITextsSplitAsBefore() {
        #expect(MessageParameterizer.splitLines("") == [])
        #expect(MessageParameterizer.splitLines("one line") == ["one line"])
        #expect(MessageParameterizer.splitLines("a\r\nb\u{1c}c\u{2028}d\n") == ["a", "b", "c", "d"])
    }

    @Test func contextLinesCollapseWhitespaceAsBefore() {
        for raw in ["", "   ", "  raise   ValueError(x)  ", "\tif x:\t\treturn", "a\u{0b}b", "ä  ö", "a\u{a0}b", "x\r\ny"] {
            #expect(FrameComponent.collapsingWhitespace(raw) == raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " "))
        }
    }
}
