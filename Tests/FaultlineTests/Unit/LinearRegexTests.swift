import Testing
@testable import Scrubbing

@Suite struct LinearRegexTests {
    /// The first match's group spans, in scalar offsets ("-" for a group that did not take part).
    func first(_ pattern: String, _ text: String) throws -> String? {
        let regex = try LinearRegex(pattern)
        guard let match = regex.firstMatch(in: Array(text.unicodeScalars), from: 0) else { return nil }
        return match.groups.map { $0.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "-" }.joined(separator: " ")
    }

    /// Known answers from a backtracking engine with the same leftmost-first semantics (Python's
    /// `re.search`, which agrees with Rust's `regex` on these patterns).
    @Test(arguments: [
        ("abc", "xxabcxx", "2-5"),
        ("a|ab", "ab", "0-1"),
        ("ab|a", "ab", "0-2"),
        ("a*", "baaa", "0-0"),
        ("a+", "baaa", "1-4"),
        ("a+?", "baaa", "1-2"),
        ("(a|b)*c", "xxababcx", "2-7 5-6"),
        ("(a*)(b)?", "aab", "0-3 0-2 2-3"),
        ("(a*)(b)?", "aac", "0-2 0-2 -"),
        ("x(?:ab){2,3}y", "xababababy xababy", "11-17"),
        ("a{3}", "aaaa", "0-3"),
        ("a{2,}", "a aaaaa", "2-7"),
        ("a{1,2}?", "aaa", "0-1"),
        ("^ab", "cab", nil),
        ("ab$", "abab", "2-4"),
        ("(?m)^b", "a\nb", "2-3"),
        ("(?i)HeLLo", "say hello", "4-9"),
        ("(?i:a)b", "AB Ab", "3-5"),
        ("\\bfoo\\b", "foobar foo", "7-10"),
        ("\\Bfoo", "foo xfoo", "5-8"),
        ("[a-c]+", "xxcabd", "2-5"),
        ("[^a-c]+", "abcxyz", "3-6"),
        ("[[:digit:]]+", "ab123", "2-5"),
        ("\\d{3}-\\d{2}", "ssn 123-45-6789", "4-10"),
        ("\\w+@\\w+\\.com", "mail me: a_b@c.com.", "9-18"),
        ("\\s+", "a \t b", "1-4"),
        (".+", "ab\ncd", "0-2"),
        ("(?s).+", "ab\ncd", "0-5"),
        ("(?P<user>[a-z]+):(?<pw>[a-z]+)@", "http://bob:pw@h", "7-14 7-10 11-13"),
        ("(?x) a b # comment\n c", "abc", "0-3"),
        ("\\x41\\u{42}", "zAB", "1-3"),
        ("é+", "caféé", "3-5"),
        ("[é-ë]", "xê", "1-2"),
        ("\\p{Lu}+", "abcDEF", "3-6"),
        ("a**", "aa", "0-2"),
        ("(a|ab)(c|bcd)(d*)", "abcd", "0-4 0-1 1-4 4-4"),
    ] as [(String, String, String?)])
    func knownAnswers(_ pattern: String, _ text: String, _ expected: String?) throws {
        #expect(try first(pattern, text) == expected, "\(pattern) on \(text)")
    }

    @Test func everyMatchLeftToRight() throws {
        let regex = try LinearRegex("a+")
        #expect(regex.matches(in: "aa b aaa a").map(\.range) == [0..<2, 5..<8, 9..<10])
        // Empty matches where the previous match ended are not reported (Rust's rule).
        #expect(try LinearRegex("a*").matches(in: "baa").map(\.range) == [0..<0, 1..<3])
        #expect(try LinearRegex(".+").matches(in: "a\nb\nc").map(\.range) == [0..<1, 2..<3, 4..<5])
    }

    /// What the `regex` crate refuses is refused, with its reason.
    @Test(arguments: [
        ("(a)\\1", "backreferences"),
        ("(?=x)", "look-around"),
        ("(?!x)", "look-around"),
        ("(?<=a)b", "look-around"),
        ("(?<!a)b", "look-around"),
        ("[a-z", "unclosed character class"),
        ("(ab", "unclosed group"),
        ("ab)", "unopened group"),
        ("a{2,1}", "invalid repetition count"),
        ("*a", "repetition operator missing expression"),
        ("a{1001}", "repetition count above"),
        ("\\q", "unrecognized escape"),
        ("(?z)", "unrecognized flag"),
        ("(((((a{1000}){1000}){1000})))", "exceeds size limit"),
    ])
    func refusals(_ pattern: String, _ reason: String) {
        #expect(throws: RegexSyntaxError.self) { _ = try LinearRegex(pattern) }
        do {
            _ = try LinearRegex(pattern)
        } catch {
            #expect(error.message.contains(reason), "\(pattern): \(error.message)")
        }
    }

    /// Patterns that make a backtracking engine take exponential time answer here; the growth of
    /// the time with the input is measured by bench-adversarial (docs/PARITY.md).
    @Test func adversarialPatternsAnswer() throws {
        let long = String(repeating: "a", count: 5_000)
        #expect(try LinearRegex("(a*)*b").isMatch(long) == false)
        #expect(try LinearRegex("(a|aa)+$").isMatch(long + "!") == false)
        #expect(try LinearRegex("(a|a)*c").isMatch(long) == false)
        #expect(try LinearRegex("(x+x+)+y").isMatch(String(repeating: "x", count: 5_000)) == false)
        #expect(try LinearRegex("^(a+)+$").isMatch(long) == true)
    }

    /// A brute-force check of `isMatch` against all strings over {a, b} up to length 6, for
    /// patterns whose language is easy to state directly.
    @Test func bruteForceAgainstDirectDefinitions() throws {
        let cases: [(String, (String) -> Bool)] = [
            ("^(ab)*$", { s in s.count % 2 == 0 && stride(from: 0, to: s.count, by: 2).allSatisfy { Array(s)[$0] == "a" && Array(s)[$0 + 1] == "b" } }),
            ("^a*b*$", { s in !s.contains("ba") }),
            ("aa", { s in s.contains("aa") }),
            ("^(a|b)*abb$", { s in s.hasSuffix("abb") }),
            ("^[ab]{2,3}$", { s in s.count == 2 || s.count == 3 }),
            ("^(?:a+b+)+$", { s in !s.isEmpty && s.first == "a" && s.last == "b" }),
        ]
        var strings = [""]
        var frontier = [""]
        for _ in 0..<6 {
            frontier = frontier.flatMap { [$0 + "a", $0 + "b"] }
            strings += frontier
        }
        for (pattern, language) in cases {
            let regex = try LinearRegex(pattern)
            for text in strings { #expect(regex.isMatch(text) == language(text), "\(pattern) on '\(text)'") }
        }
    }
}
