import EventModel
import Testing
@testable import Grouping

@Suite struct GrouperTests {
    func event(_ json: String) throws -> SentryEvent { try SentryEvent.parse(Array(json.utf8)) }

    let python = """
        {"platform":"python","exception":{"values":[{"type":"ValueError","value":"bad value 1\\nmore","module":null,
         "stacktrace":{"frames":[
           {"module":"runpy","function":"_run_code","filename":"runpy.py","lineno":86,"in_app":false},
           {"module":"app.views","function":"index","filename":"app/views.py","lineno":%LINE%,"in_app":true}]}}]}}
        """

    @Test func sameExceptionAndInAppFramesGroupTogetherWhateverTheLine() throws {
        let first = Grouper.group(try event(python.replacingOccurrences(of: "%LINE%", with: "10")))
        let second = Grouper.group(try event(python.replacingOccurrences(of: "%LINE%", with: "99")))
        #expect(first.hashes == second.hashes)
        #expect(first.hashes[0].count == 32)
        #expect(first.title == "ValueError: bad value 1")
        #expect(first.culprit == "app.views in index")
        #expect(first.metadataType == "ValueError")
    }

    @Test func differentTypeOrFunctionSplits() throws {
        let base = Grouper.group(try event(python.replacingOccurrences(of: "%LINE%", with: "1")))
        let otherType = Grouper.group(try event(python.replacingOccurrences(of: "%LINE%", with: "1")
            .replacingOccurrences(of: "ValueError", with: "TypeError")))
        let otherFunction = Grouper.group(try event(python.replacingOccurrences(of: "%LINE%", with: "1")
            .replacingOccurrences(of: "\"index\"", with: "\"detail\"")))
        #expect(base.hashes != otherType.hashes)
        #expect(base.hashes != otherFunction.hashes)
    }

    @Test func messageEventsGroupByMessage() throws {
        let a = Grouper.group(try event(#"{"message":"disk full"}"#))
        let b = Grouper.group(try event(#"{"logentry":{"formatted":"disk full"}}"#))
        let c = Grouper.group(try event(#"{"message":"disk almost full"}"#))
        #expect(a.hashes == b.hashes)
        #expect(a.hashes != c.hashes)
        #expect(a.title == "disk full")
        #expect(a.type == "default")
    }

    @Test func customFingerprintReplacesOrExtendsDefault() throws {
        let plain = Grouper.group(try event(#"{"message":"m"}"#))
        let custom = Grouper.group(try event(#"{"message":"m","fingerprint":["db-down"]}"#))
        let extended = Grouper.group(try event(#"{"message":"m","fingerprint":["{{ default }}","x"]}"#))
        let other = Grouper.group(try event(#"{"message":"other","fingerprint":["db-down"]}"#))
        #expect(custom.hashes != plain.hashes)
        #expect(custom.hashes == other.hashes)
        #expect(extended.hashes != plain.hashes)
        #expect(extended.hashes != custom.hashes)
    }

    @Test func md5MatchesKnownValue() {
        #expect(Grouper.hash(["hello"]) == "5d41402abc4b2a76b9719d911017c592")
    }
}
