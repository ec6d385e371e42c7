import EventModel
import Testing

@Suite struct EnvelopeParserTests {
    func parse(_ text: String) throws(EnvelopeError) -> Envelope { try EnvelopeParser.parse(Array(text.utf8)) }

    @Test func itemsWithLengthAndWithout() throws {
        let envelope = try parse("""
            {"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","dsn":"https://e12d836b15bb49d7bbf99e64295d995b:@sentry.io/42"}
            {"type":"attachment","length":10,"content_type":"text/plain","filename":"hello.txt"}
            \u{FEFF}Hello\r\n
            {"type":"event","length":41,"content_type":"application/json","filename":"application.log"}
            {"message":"hello world","level":"error"}

            """)
        #expect(envelope.eventID == "9ec79c33ec9942ab8353589fcb2e04dc")
        #expect(envelope.items.count == 2)
        #expect(envelope.items[0].type == "attachment")
        #expect(envelope.items[0].payload == [0xEF, 0xBB, 0xBF] + Array("Hello\r\n".utf8))
        #expect(envelope.items[1].payload == Array(#"{"message":"hello world","level":"error"}"#.utf8))
    }

    @Test func implicitLengthRunsToNewlineAndKeepsCarriageReturn() throws {
        let envelope = try parse("{}\n{\"type\":\"event\"}\n{\"a\":1}\r\n{\"type\":\"session\"}\n{\"s\":2}")
        #expect(envelope.items.count == 2)
        #expect(envelope.items[0].payload == Array("{\"a\":1}\r".utf8))
        #expect(envelope.items[1].payload == Array("{\"s\":2}".utf8))
    }

    @Test func headerOnlyEnvelope() throws {
        let envelope = try parse("{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\"}\n")
        #expect(envelope.items.isEmpty)
        #expect(try parse("{}").items.isEmpty)
    }

    @Test func emptyPayloadWithZeroLength() throws {
        let envelope = try parse("{}\n{\"type\":\"attachment\",\"length\":0}\n\n{\"type\":\"event\",\"length\":2}\n{}")
        #expect(envelope.items.map(\.type) == ["attachment", "event"])
        #expect(envelope.items[0].payload.isEmpty)
    }

    @Test func malformedEnvelopesNameTheFault() {
        #expect(throws: EnvelopeError.empty) { try parse("") }
        #expect(throws: EnvelopeError.invalidHeader("malformed JSON")) { try parse("not json\n") }
        #expect(throws: EnvelopeError.invalidHeader("not an object")) { try parse("[1]\n") }
        #expect(throws: EnvelopeError.invalidItemHeader(index: 0, reason: "malformed JSON")) { try parse("{}\n{oops\n{}") }
        #expect(throws: EnvelopeError.missingItemType(index: 0)) { try parse("{}\n{\"length\":2}\n{}") }
        #expect(throws: EnvelopeError.truncatedPayload(index: 0, declared: 100, available: 2)) {
            try parse("{}\n{\"type\":\"event\",\"length\":100}\n{}")
        }
        #expect(throws: EnvelopeError.missingNewline(index: 0)) { try parse("{}\n{\"type\":\"event\",\"length\":1}\n{}") }
    }

    @Test func aLengthThatIsNotAnUnsignedIntegerIsRefused() throws {
        for length in [#""2""#, "-1", "2.0", "1e1", "true", "[2]"] {
            #expect(throws: EnvelopeError.invalidLength(index: 0), "\(length)") {
                try parse("{}\n{\"type\":\"event\",\"length\":\(length)}\n{}")
            }
        }
        // null is an absent length, as in Sentry's relay: the payload runs to the newline.
        #expect(try parse("{}\n{\"type\":\"event\",\"length\":null}\n{}").items.first?.payload == Array("{}".utf8))
    }

    @Test func errorTextsAreForHumans() {
        #expect(EnvelopeError.truncatedPayload(index: 1, declared: 9, available: 3).description
                == "invalid envelope: item 1 declares length 9 but only 3 bytes follow")
    }
}
