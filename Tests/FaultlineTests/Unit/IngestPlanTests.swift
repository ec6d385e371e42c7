import Core
import EventModel
import Foundation
import Testing
@testable import Relay

@Suite struct IngestPlanTests {
    let context = IngestPlan.Context(projectID: 7, keyID: 3, received: Date(timeIntervalSince1970: 1_700_000_000),
                                     clientIP: "10.0.0.1", sdk: "sentry.python/2.0", topics: Topics(), limits: RelayLimits())

    func envelope(_ text: String) throws -> Envelope { try EnvelopeParser.parse(Array(text.utf8)) }

    @Test func envelopeHeaderEventIDWinsAndItemsShareAPartitionKey() throws {
        let plan = try IngestPlan.make(try envelope("""
            {"event_id":"AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA","sent_at":"2024-01-01T00:00:00Z"}
            {"type":"event"}
            {"event_id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","message":"x"}
            {"type":"attachment","length":3,"filename":"a.txt"}
            abc
            {"type":"profile"}
            {}
            """), context: context)
        #expect(plan.eventID == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(plan.messages.map(\.topic) == ["ingest-events", "ingest-attachments"])
        #expect(plan.messages[0].key == plan.messages[1].key)
        #expect(plan.dropped == ["profile"])
        let message = try IngestMessage.decode(plan.messages[0].value)
        #expect(message.metadata.projectID == 7)
        #expect(message.metadata.keyID == 3)
        #expect(message.metadata.eventID == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(message.metadata.clientIP == "10.0.0.1")
        #expect(message.metadata.sdk == "sentry.python/2.0")
        #expect(message.metadata.sentAt == "2024-01-01T00:00:00Z")
        #expect(message.payload == Array(#"{"event_id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","message":"x"}"#.utf8))
        let attachment = try IngestMessage.decode(plan.messages[1].value)
        #expect(attachment.metadata.itemHeaders?["filename"] == "a.txt")
        #expect(attachment.payload == Array("abc".utf8))
    }

    @Test func payloadEventIDIsUsedWhenHeaderHasNone() throws {
        let plan = try IngestPlan.make(try envelope("{}\n{\"type\":\"event\"}\n{\"event_id\":\"cccccccccccccccccccccccccccccccc\"}"), context: context)
        #expect(plan.eventID == "cccccccccccccccccccccccccccccccc")
    }

    @Test func missingEventIDIsGenerated() throws {
        let plan = try IngestPlan.make(try envelope("{}\n{\"type\":\"event\"}\n{\"message\":\"m\"}"), context: context)
        #expect(plan.eventID.flatMap(EventID.normalize) != nil)
    }

    @Test func envelopeWithoutEventAnswersNoID() throws {
        let plan = try IngestPlan.make(try envelope("{}\n{\"type\":\"session\"}\n{\"sid\":\"x\"}"), context: context)
        #expect(plan.eventID == nil)
        #expect(plan.messages.map(\.topic) == ["ingest-sessions"])
    }

    @Test func rejectsEventThatIsNotJSONOrTooLarge() throws {
        do {
            _ = try IngestPlan.make(try envelope("{}\n{\"type\":\"event\"}\nnot json"), context: context)
            Issue.record("accepted a non-JSON event")
        } catch {
            #expect((error as? RelayError)?.status == .badRequest)
        }
        var small = context
        small.limits.maxEventSize = 10
        do {
            _ = try IngestPlan.make(try envelope("{}\n{\"type\":\"event\"}\n{\"message\":\"too long for ten\"}"), context: small)
            Issue.record("accepted an oversized event")
        } catch {
            #expect((error as? RelayError)?.status == .contentTooLarge)
        }
    }

    @Test func ingestMessageRoundTripsAndRejectsUnknownVersions() throws {
        let metadata = IngestMessage.Metadata(type: "event", eventID: nil, projectID: 1, keyID: 2, received: 3,
                                              clientIP: nil, sdk: nil, sentAt: nil)
        let message = IngestMessage(metadata: metadata, payload: Array("{\n}".utf8))
        #expect(try IngestMessage.decode(message.encoded()) == message)
        #expect(throws: IngestMessage.DecodeError.unsupportedVersion(2)) {
            try IngestMessage.decode(Array("{\"v\":2,\"type\":\"event\",\"project_id\":1,\"key_id\":1,\"received\":0}\n{}".utf8))
        }
        #expect(throws: IngestMessage.DecodeError.noHeaderLine) { try IngestMessage.decode(Array("{}".utf8)) }
    }
}
