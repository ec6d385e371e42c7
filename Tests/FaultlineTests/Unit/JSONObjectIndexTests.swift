@testable import EventModel
import Foundation
import Testing

/// `JSONObjectIndex` must accept exactly the objects `JSON.parse` accepts and give the same members.
@Suite struct JSONObjectIndexTests {
    /// What the full parse decided: the object, or nil for anything the relay refuses.
    func fullParse(_ bytes: [UInt8]) -> [String: JSON]? {
        guard case .object(let members)? = try? JSON.parse(bytes) else { return nil }
        return members
    }

    func expectSameDecision(_ bytes: [UInt8], _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = fullParse(bytes)
        let index = try? JSONObjectIndex(bytes)
        #expect((index != nil) == (expected != nil), comment, sourceLocation: sourceLocation)
        guard let index, let expected else { return }
        #expect(index.object(keeping: Set(expected.keys)) == expected, comment, sourceLocation: sourceLocation)
        for (key, value) in expected { #expect(index[key] == value, comment, sourceLocation: sourceLocation) }
    }

    func expectSameDecision(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectSameDecision(Array(text.utf8), "\(text.prefix(120))", sourceLocation: sourceLocation)
    }

    @Test func locatesMembersWithoutParsingTheRest() throws {
        let index = try JSONObjectIndex(Array(#" { "event_id" : "ab\u0063", "extra": {"a": [1, 2.5, -3e2, true, null]}, "n": 7 } "#.utf8))
        #expect(index["event_id"] == "abc")
        #expect(index["n"] == 7)
        #expect(index["extra"] == ["a": [1, .double(2.5), .double(-300), true, nil]])
        #expect(index["missing"] == nil)
        #expect(index.object(keeping: ["n", "missing"]) == ["n": 7])
    }

    @Test func duplicateKeysKeepTheLastAsTheFullParseDoes() throws {
        let text = #"{"event_id":"first","x":{"k":1,"k":2},"event_id":"last","event_\u0069d":"escaped"}"#
        let index = try JSONObjectIndex(Array(text.utf8))
        #expect(index["event_id"] == "escaped")
        #expect(index["x"] == ["k": 2])
        expectSameDecision(text)
    }

    @Test func acceptsAndRefusesWhatTheFullParseDoes() {
        let cases = [
            "{}", " {} ", "\t{\n}\r\n", "{\"a\":1}", "{\"a\":\"\"}", "{\"a\":[]}", "{\"a\":{}}",
            // not objects
            "[]", "1", "\"s\"", "null", "true", "",  " ",
            // truncated
            "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "{\"a\":\"x", "{\"a\":\"x\\", "{\"a\":[1,", "{\"a\":{\"b\":1}",
            "{\"a\":tru", "{\"a\":nul", "{\"a\":-", "{\"a\":1.", "{\"a\":1e", "{\"a\":1e+", "{\"a\":\"\\u12",
            // syntax
            "{\"a\":1,}", "{,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\":1}x", "{}{}",
            "{\"a\":01}", "{\"a\":-01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.e3}", "{\"a\":0x10}", "{\"a\":True}",
            "{\"a\":nulll}", "{\"a\":[1 2]}", "{\"a\":{\"b\" 1}}", "{\"a\":{\"b\":1,}}", "{\"a\":{1:2}}",
            // NaN, Infinity and numbers beyond Double
            "{\"a\":NaN}", "{\"a\":-NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":[NaN]}", "{\"a\":{\"b\":Infinity}}",
            "{\"a\":1e308}", "{\"a\":1e309}", "{\"a\":-1e309}", "{\"a\":[1E400]}", "{\"a\":1e-400}", "{\"a\":0.0e99999}",
            "{\"a\":9223372036854775807}", "{\"a\":9223372036854775808}", "{\"a\":-9223372036854775809}",
            "{\"a\":\(String(repeating: "9", count: 308))}", "{\"a\":\(String(repeating: "9", count: 309))}",
            "{\"a\":\(String(repeating: "9", count: 310))}", "{\"a\":\(String(repeating: "9", count: 400)).5}",
            "{\"a\":0.\(String(repeating: "0", count: 400))1}", "{\"a\":1\(String(repeating: "0", count: 308))}",
            // strings: escapes, controls, surrogates
            "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u00e9\"}", "{\"a\":\"\\u00g9\"}",
            "{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\ud83d\"}", "{\"a\":\"\\ud83d\\u12\"}", "{\"a\":\"\\ud83d\\uzzzz\"}",
            "{\"a\":\"\\ud83dx\"}", "{\"a\":\"\\ude00\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}", "{\"a\\u0000\":1}",
            "{\"a\":\"\u{7F}\"}", "{\"\\u0061\":1,\"a\":2}",
        ]
        for text in cases { expectSameDecision(text) }
    }

    @Test func invalidUTF8IsTheFullParseDecisionToo() throws {
        let inString: [UInt8] = Array("{\"a\":\"".utf8) + [0xFF, 0xC3] + Array("\",\"b\":1}".utf8)
        let inKey: [UInt8] = Array("{\"".utf8) + [0xE2, 0x82] + Array("\":1}".utf8)
        let outside: [UInt8] = Array("{\"a\":".utf8) + [0xFF] + Array("}".utf8)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{}".utf8)
        for bytes in [inString, inKey, outside, bom] { expectSameDecision(bytes, "\(bytes)") }
        #expect(try JSONObjectIndex(inString)["a"] == "\u{FFFD}\u{FFFD}")
    }

    @Test func nestingIsLimitedAsInTheFullParse() {
        for depth in [254, 255, 256, 257, 10_000] {
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
            expectSameDecision("{\"x\":\(arrays)}")
            expectSameDecision("{\"x\":\(objects)}")
            expectSameDecision(objects)
            expectSameDecision("{\"x\":\(String(repeating: "[", count: depth))")
        }
    }

    @Test func wordScanStopsAtTheFirstQuoteBackslashOrControlByte() {
        var generator = SystemRandomNumberGenerator()
        let near: [UInt8] = [0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA0, 0xA2, 0xDC, 0xFF, 0x61]
        for round in 0..<50_000 {
            let bytes = (0..<8).map { _ in
                round % 2 == 0 ? near.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
            }
            let word = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            let special = JSONParser.Reader.specialBytes(word)
            let first = bytes.firstIndex { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
            #expect(first == (special == 0 ? nil : special.trailingZeroBitCount / 8), "\(bytes)")
        }
    }

    /// Random damage to a realistic event: every mutation is judged as the full parse judges it.
    @Test func mutatedEventsGetTheFullParseDecision() {
        let event = Array(#"{"event_id":"0123456789abcdef0123456789abcdef","platform":"python","level":"error","exception":{"values":[{"type":"ValueError","value":"bad \"input\" \u00e9 \ud83d\ude00","stacktrace":{"frames":[{"filename":"app.py","lineno":12,"in_app":true,"vars":{"x":-1.5e-3,"y":null,"z":[1,2,{}]}}]}}]},"timestamp":1700000000.125,"extra":{}}"#.utf8)
        expectSameDecision(event, "original")
        var generator = SystemRandomNumberGenerator()
        let bytes: [UInt8] = Array("{}[]\",:\\ -+.eE0123456789tfnulx".utf8) + [0x00, 0x0A, 0x1F, 0x7F, 0x80, 0xFF]
        for round in 0..<3_000 {
            var mutated = event
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: mutated[position] = bytes.randomElement(using: &generator)!
                case 1: mutated.remove(at: position)
                default: mutated.insert(bytes.randomElement(using: &generator)!, at: position)
                }
            }
            if round % 10 == 0 { mutated = Array(mutated.prefix(Int.random(in: 0..<mutated.count, using: &generator))) }
            expectSameDecision(mutated, "\(String(decoding: mutated, as: UTF8.self))")
        }
    }
}
