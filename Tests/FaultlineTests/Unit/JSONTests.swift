import EventModel
import Testing

@Suite struct JSONTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSON.parse(#" {"a": [1, -2, 3.5, 1e3, true, false, null], "b": {"c": "d"}, "e": "", "big": 12345678901234567890} "#)
        #expect(value["a"] == [1, -2, .double(3.5), .double(1000), true, false, nil])
        #expect(value["b"]?["c"] == "d")
        #expect(value["e"] == "")
        #expect(value["big"] == .double(12345678901234567890))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSON.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/d\n\té😀"))
        #expect(try JSON.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
    }

    @Test func refusesWhatIsNotJSON() {
        for text in ["", "{", "[1,]", "{\"a\" 1}", "NaN", "Infinity", "-", "01x", "\"unterminated", "{} {}", "tru", "[1 2]",
                     "\"\u{1}\"", "{\"a\":1,}", "1e999"] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSON.parse(text) }
        }
    }

    @Test func nestingIsBounded() throws {
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Never.self) { try JSON.parse(fine) }
        let hostile = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSON.parse(hostile) }
    }

    @Test func writesCompactSortedJSONThatParsesBack() throws {
        let value: JSON = ["z": 1, "a": ["x\"y\n", .double(2.5), nil, true], "m": .double(3)]
        let text = value.encodedString()
        #expect(text == #"{"a":["x\"y\n",2.5,null,true],"m":3.0,"z":1}"#)
        #expect(try JSON.parse(text) == value)
    }
}
