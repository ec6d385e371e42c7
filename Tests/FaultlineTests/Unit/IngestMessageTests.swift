import EventModel
import Foundation
import Testing

/// The metadata line is written by hand; the processor decodes it with `JSONDecoder`.
@Suite struct IngestMessageTests {
    let full = IngestMessage.Metadata(
        type: "attachment", eventID: "0123456789abcdef0123456789abcdef", projectID: 42, keyID: -7,
        received: 1_700_000_000.123456, clientIP: "2001:db8::1", sdk: "sentry.python/2.19.0 \"quoted\" \\ back/slash",
        sentAt: "2024-01-01T00:00:00.000Z",
        itemHeaders: ["filename": "a\nb\u{1}c\té.txt", "content_type": "text/plain", "size": 3, "ratio": .double(0.5),
                      "nested": ["list": [true, nil, "x"]], "attachment_type": "event.attachment"])

    @Test func roundTripsThroughTheDecoder() throws {
        let sparse = IngestMessage.Metadata(type: "event", eventID: nil, projectID: 1, keyID: 2, received: 1_700_000_000,
                                            clientIP: nil, sdk: nil, sentAt: nil)
        for metadata in [full, sparse] {
            let payload = Array("{\"message\":\"x\"}\n\r\u{0}".utf8)
            let message = IngestMessage(metadata: metadata, payload: payload)
            #expect(try IngestMessage.decode(message.encoded()) == message)
        }
    }

    @Test func meansWhatJSONEncoderWrote() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let before = try encoder.encode(full)
        let encoded = IngestMessage(metadata: full, payload: []).encoded()
        let line = Array(encoded.dropLast())
        #expect(encoded.last == UInt8(ascii: "\n"))
        #expect(!line.contains(UInt8(ascii: "\n")))
        #expect(try JSONDecoder().decode(IngestMessage.Metadata.self, from: Data(line)) == full)
        // Same members and values; only the spelling of numbers may differ.
        var expected = try #require(try JSON.parse(Array(before)).object)
        var written = try #require(try JSON.parse(line).object)
        #expect(expected.removeValue(forKey: "received")?.double == written.removeValue(forKey: "received")?.double)
        #expect(written == expected)
        #expect(IngestMessage.projectID(of: encoded) == 42)
    }
}
