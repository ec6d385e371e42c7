import EventModel
import Testing
@testable import Grouping
@testable import Processor
@testable import Scrubbing

/// The single-pass rewrites of scans that used to restart at every position: hostile inputs
/// give the answers the old scans gave (no timing here; bench/adversarial.sh measures).
@Suite struct LinearScanTests {
    @Test func cardScanOverALongRunOfDigits() {
        let ones = String(repeating: "1 ", count: 250_000)
        #expect(SecretPatterns.scrub(ones) == ones)
        #expect(SecretPatterns.replaceCards("1 1 1 4111 1111 1111 1111") == "1 1 1 [Filtered]")
        #expect(SecretPatterns.replaceCards("pay 4242-4242-4242-4242.") == "pay [Filtered].")
        #expect(SecretPatterns.replaceCards("x4242424242424242 4242424242424242y") == "x4242424242424242 4242424242424242y")
        #expect(SecretPatterns.replaceCards("a 4242424242424242") == "a [Filtered]")
        // As Sentry's relay: a brand prefix and the length make a card, not the checksum.
        #expect(SecretPatterns.replaceCards("4242 4242 4242 4241") == "[Filtered]")
        #expect(SecretPatterns.replaceCards("imei 356938035643809") == "imei 356938035643809")
        #expect(SecretPatterns.replaceCards("amex 3782 822463 10005 ok") == "amex [Filtered] ok")
        // Candidates that start after a letter are skipped; one after a dash is not.
        #expect(SecretPatterns.replaceCards("ab12-4242424242424242") == "ab12-[Filtered]")
        #expect(SecretPatterns.replaceCards(String(repeating: "1", count: 100_000)) == String(repeating: "1", count: 100_000))
    }

    @Test func bearerScanOverRepeatedPrefixes() {
        // Filtering, `Bearer <token>` becomes `[Filtered]` whole (Sentry's `@bearer:filter`).
        #expect(SecretPatterns.replaceBearer("bearer bearer bearer x") == "[Filtered] [Filtered]")
        #expect(SecretPatterns.replaceBearer("Authorization: Bearer abc, next") == "Authorization: [Filtered], next")
        #expect(SecretPatterns.replaceBearer("Authorization: Bearer abc, next", style: .replace) == "Authorization: Bearer [token], next")
        #expect(SecretPatterns.replaceBearer("BEARER ") == "BEARER ")
        // Each `bearer ` is the token of the one before it, as before.
        let repeated = String(repeating: "bearer ", count: 50_000)
        let filtered = SecretPatterns.replaceBearer(repeated) == String(repeating: "[Filtered] ", count: 25_000)
        #expect(filtered)
    }

    /// Runs that used to be rescanned from every character (emails, durations, dotted labels)
    /// keep their placeholders.
    @Test func parameterizationOfLongRuns() {
        #expect(MessageParameterizer.parameterize("mail bob.smith@example.com now") == "mail <email> now")
        #expect(MessageParameterizer.parameterize("could not resolve my_host.example.com") == "could not resolve my_host.<hostname>")
        #expect(MessageParameterizer.parameterize("connect to db.internal.example.com:5432 failed") == "connect to <hostname>:<int> failed")
        #expect(MessageParameterizer.parameterize("took 12.5s then 300ms") == "took <duration> then <duration>")
        #expect(MessageParameterizer.parameterize("a@b@c.com") == "<email>@<hostname>")
        let dotted = String(repeating: "a.", count: 4000)
        #expect(MessageParameterizer.parameterize(dotted) == dotted)
        #expect(MessageParameterizer.parameterize(dotted + "com") == "<hostname>")
        let word = String(repeating: "a", count: 8000)
        #expect(MessageParameterizer.parameterize(word + " x@y.org") == word + " <email>")
        #expect(MessageParameterizer.parameterize(String(repeating: "7", count: 8000) + "s") == "<duration>")
        // Labels joined by `-`: a start after each `-` used to walk the rest again (quadratic).
        let dashed = String(repeating: "x-x.", count: 2048)
        #expect(MessageParameterizer.parameterize(dashed) == dashed)
        #expect(MessageParameterizer.parameterize("see api-v2.example.com now") == "see <hostname> now")
        // Python datetime reprs, and many unclosed ones (each used to rescan the rest of the line).
        #expect(MessageParameterizer.parameterize("at datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc) x") == "at <date> x")
        let unclosed = String(repeating: "datetime.datetime(", count: 400)
        #expect(MessageParameterizer.parameterize(unclosed) == unclosed)
        #expect(MessageParameterizer.parameterize(unclosed + "1)") == String(repeating: "datetime.datetime(", count: 385) + "<date>")
    }

    @Test func lambdaCleanupInOnePass() {
        #expect(FrameFunctionCleanup.replacing(in: "f{lambda(int)#2}::g{lambda()#1}", open: "{lambda", close: "}", with: "{lambda}")
            == "f{lambda}::g{lambda}")
        #expect(FrameFunctionCleanup.replacing(in: "a{lambda(x", open: "{lambda", close: "}", with: "{lambda}") == "a{lambda(x")
        let open = String(repeating: "{lambda", count: 20_000)
        #expect(FrameFunctionCleanup.replacing(in: open, open: "{lambda", close: "}", with: "{lambda}") == open)
        let closed = String(repeating: "{lambda#1}", count: 20_000)
        #expect(FrameFunctionCleanup.replacing(in: closed, open: "{lambda", close: "}", with: "{lambda}")
            == String(repeating: "{lambda}", count: 20_000))
        #expect(FrameFunctionCleanup.trim(String(repeating: "<lambda_1>", count: 5_000), platform: "native").hasPrefix("lambda"))
    }

    /// The old application of rule actions (every range written when its rule matched), kept here
    /// as the reference the single-visit version must agree with.
    static func eagerOutcome(_ rules: StackTraceRules, _ frames: [StackFrame]) -> StackTraceRules.Outcome {
        let matchFrames = StackTraceRules.matchFrames(frames, eventPlatform: "python")
        var outcome = StackTraceRules.Outcome(inApp: Array(repeating: nil, count: frames.count), category: frames.map(\.category),
                                              group: Array(repeating: nil, count: frames.count))
        for rule in rules.rules {
            for index in matchFrames.indices where rule.matches(matchFrames, at: index, exception: nil) {
                for action in rule.actions {
                    guard case .flag(let flag, let target, let range) = action else { continue }
                    let positions: [Int]
                    switch range {
                    case .frame: positions = [index]
                    case .up: positions = Array((index + 1)..<matchFrames.count)
                    case .down: positions = Array(0..<index)
                    }
                    for position in positions {
                        if target == .app { outcome.inApp[position] = flag; matchFrames[position].inApp = flag }
                        else { outcome.group[position] = flag }
                    }
                }
            }
        }
        return outcome
    }

    @Test func ruleActionsOverRangesAgreeWithWritingEveryRange() throws {
        let rules = try StackTraceRules.parse("""
            function:a* ^-app
            function:b* v+app
            app:no function:*c ^+group
            [ function:a* ] | function:b* -app v-group
            function:c* | [ app:yes ] ^+app +group
            app:yes function:d* v-app ^-group
            """)
        var generator = GroupingFastPathTests.Generator(state: 3)
        let names = ["a1", "b2", "c3", "d4", "ac", "bc", "x"]
        for _ in 0..<300 {
            let frames = (0..<generator.next(12)).map { _ in
                StackFrame(function: names[generator.next(names.count)], inApp: [nil, true, false][generator.next(3)])
            }
            let expected = Self.eagerOutcome(rules, frames)
            let actual = rules.apply(to: frames, eventPlatform: "python", exception: nil)
            #expect(actual.inApp == expected.inApp, "\(frames.map { $0.function ?? "" })")
            #expect(actual.group == expected.group, "\(frames.map { $0.function ?? "" })")
        }
    }

    @Test func saturatingArithmetic() {
        #expect(Saturating.add(Int64.max, 1) == .max)
        #expect(Saturating.add(Int64.min, -1) == .min)
        #expect(Saturating.subtract(Int64.min, 1) == .min)
        #expect(Saturating.subtract(0, Int64.min) == .max)
        #expect(Saturating.add(Int32(5), 7) == 12)
    }
}
