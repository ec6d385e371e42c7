import EventModel
import Foundation
import Testing
@testable import Processor

@Suite struct EventNormalizerTests {
    func message(_ payload: String, eventID: String? = "0123456789abcdef0123456789abcdef", received: Double = 1_700_000_000) -> IngestMessage {
        IngestMessage(metadata: .init(type: "event", eventID: eventID, projectID: 5, keyID: 1, received: received,
                                      clientIP: "192.0.2.1", sdk: "sentry.python/2", sentAt: nil),
                      payload: Array(payload.utf8))
    }

    @Test func fillsDefaultsAndKeepsRelayEventID() throws {
        let event = try EventNormalizer.normalize(message(#"{"event_id":"ffffffffffffffffffffffffffffffff","message":"m"}"#))
        #expect(event.eventID == "0123456789abcdef0123456789abcdef")
        #expect(event.platform == "other")
        #expect(event.level == "error")
        #expect(event.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
        let stored = try JSON.parse(event.payload)
        #expect(stored["event_id"] == "0123456789abcdef0123456789abcdef")
        #expect(stored["project"] == 5)
        #expect(stored["title"] == "m")
    }

    @Test func clampsFutureAndAncientTimestamps() throws {
        let future = try EventNormalizer.normalize(message(#"{"timestamp":1700000500}"#))
        #expect(future.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
        let ancient = try EventNormalizer.normalize(message(#"{"timestamp":"2001-01-01T00:00:00Z"}"#))
        #expect(ancient.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
        let recent = try EventNormalizer.normalize(message(#"{"timestamp":"2023-11-14T22:13:10.5Z"}"#))
        #expect(abs(recent.timestamp.timeIntervalSince1970 - 1_699_999_990.5) < 0.001)
    }

    @Test func normalizesLevelsAndAutoIP() throws {
        let event = try EventNormalizer.normalize(message(#"{"level":"WARN","user":{"ip_address":"{{auto}}"}}"#))
        #expect(event.level == "warning")
        #expect(event.userKey == "ip:192.0.2.1")
    }

    @Test func nulCharactersCannotBreakJSONB() throws {
        let event = try EventNormalizer.normalize(message(#"{"message":"a\u0000b"}"#))
        #expect(!event.payload.contains("\\u0000"))
    }

    @Test func garbageIsAnError() {
        #expect(throws: EventNormalizer.Failure.self) { try EventNormalizer.normalize(message("[1,2]")) }
        #expect(throws: EventNormalizer.Failure.self) { try EventNormalizer.normalize(message("{")) }
    }
}
