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
        let event = try EventPipeline.process(message(#"{"event_id":"ffffffffffffffffffffffffffffffff","message":"m"}"#))
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
        let future = try EventPipeline.process(message(#"{"timestamp":1700000500}"#))
        #expect(future.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
        let ancient = try EventPipeline.process(message(#"{"timestamp":"2001-01-01T00:00:00Z"}"#))
        #expect(ancient.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
        let recent = try EventPipeline.process(message(#"{"timestamp":"2023-11-14T22:13:10.5Z"}"#))
        #expect(abs(recent.timestamp.timeIntervalSince1970 - 1_699_999_990.5) < 0.001)
    }

    @Test func normalizesLevelsAndAutoIP() throws {
        // Sentry's normalizer (sentry-relay 0.10.1) takes its level names as written: `warning`,
        // Python's 30, but not `WARN` nor `warn`.
        let event = try EventPipeline.process(message(#"{"level":"WARN","user":{"ip_address":"{{auto}}"}}"#))
        #expect(event.level == "error")
        #expect(try EventPipeline.process(message(#"{"level":30}"#)).level == "warning")
        #expect(try EventPipeline.process(message(#"{"level":"log"}"#)).level == "info")
        #expect(event.userKey == "ip:192.0.2.1")
    }

    @Test func nulCharactersCannotBreakJSONB() throws {
        let event = try EventPipeline.process(message(#"{"message":"a\u0000b"}"#))
        #expect(!event.payload.contains("\\u0000"))
    }

    @Test func garbageIsAnError() {
        #expect(throws: EventFailure.self) { try EventPipeline.process(message("[1,2]")) }
        #expect(throws: EventFailure.self) { try EventPipeline.process(message("{")) }
    }
}

@Suite struct EventCleanupTests {
    func normalized(_ payload: String, sentAt: String? = nil) throws -> JSON {
        let message = IngestMessage(metadata: .init(type: "event", eventID: nil, projectID: 1, keyID: 1, received: 1_700_000_000,
                                                    clientIP: nil, sdk: nil, sentAt: sentAt), payload: Array(payload.utf8))
        return try JSON.parse(try EventPipeline.process(message).payload)
    }

    @Test func splitsUntypedExceptionValues() throws {
        let event = try normalized(#"{"exception":{"values":[{"value":"TypeError: x is undefined"},{"value":"just words: here"}]}}"#)
        let values = event["exception"]?["values"]?.array ?? []
        #expect(values[0]["type"] == "TypeError")
        #expect(values[0]["value"] == "x is undefined")
        #expect(values[1]["type"] == nil)
        #expect(event["title"] == "TypeError: x is undefined" || event["title"] == "Error: just words: here")
    }

    @Test func marksLibraryFramesNotInApp() throws {
        let event = try normalized("""
            {"exception":{"values":[{"type":"E","stacktrace":{"frames":[
              {"abs_path":"/app/node_modules/express/lib/router.js","function":"handle"},
              {"abs_path":"/usr/lib/python3/dist-packages/requests/api.py","function":"get"},
              {"module":"java.lang.Thread","function":"run"},
              {"abs_path":"/app/src/index.js","function":"main"},
              {"abs_path":"/app/node_modules/x.js","in_app":true}]}}]}}
            """)
        let frames = event["exception"]?["values"]?.array?.first?["stacktrace"]?["frames"]?.array ?? []
        // As in Sentry, the built-in rule `path:**/node_modules/** -app` overrides the SDK's in_app.
        #expect(frames.map { $0["in_app"] } == [false, false, false, nil, false])
    }

    @Test func normalizesTags() throws {
        let event = try normalized(#"{"tags":[["browser","Firefox"],["a key with spaces","x"],["n",1]],"environment":"prod","release":"r1","level":"warning"}"#)
        // Spaces in keys become dashes, as Sentry writes them.
        #expect(event["tags"] == ["browser": "Firefox", "n": "1", "a-key-with-spaces": "x", "environment": "prod", "release": "r1",
                                  "level": "warning"])
    }

    @Test func correctsClockDrift() throws {
        // The SDK's clock is an hour behind: sent_at and timestamp are both shifted.
        let event = try normalized(#"{"timestamp":1699996390}"#, sentAt: "2023-11-14T21:13:20Z")
        #expect(event["timestamp"]?.double == 1_699_999_990)
    }
}
