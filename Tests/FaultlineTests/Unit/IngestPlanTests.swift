import Core
import EventModel
import Foundation
import Quotas
import Testing
@testable import Relay

@Suite struct IngestPlanTests {
    let context = IngestPlan.Context(projectID: 7, organizationID: 2, keyID: 3, received: Date(timeIntervalSince1970: 1_700_000_000),
                                     clientIP: "10.0.0.1", sdk: "sentry.python/2.0", topics: Topics(), limits: RelayLimits())

    func envelope(_ text: String) throws -> Envelope { try EnvelopeParser.parse(Array(text.utf8)) }

    let mixed = """
        {"event_id":"AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA","sent_at":"2024-01-01T00:00:00Z"}
        {"type":"event"}
        {"event_id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","message":"x"}
        {"type":"attachment","length":3,"filename":"a.txt"}
        abc
        {"type":"profile"}
        {}
        """

    @Test func envelopeHeaderEventIDWinsAndItemsShareAPartitionKey() throws {
        let plan = try IngestPlan.make(try envelope(mixed), context: context)
        #expect(plan.eventID == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        let result = plan.finalize(limited: [])
        #expect(result.messages.map(\.topic) == ["ingest-events", "ingest-attachments"])
        #expect(result.messages[0].key == result.messages[1].key)
        #expect(result.outcomes.map(\.outcome) == [.accepted, .accepted, .invalid])
        #expect(result.outcomes[2].reason == "unsupported_item:profile")
        #expect(result.outcomes[1].category == DataCategory.attachment.id)
        #expect(result.outcomes[1].quantity == 3)
        let message = try IngestMessage.decode(result.messages[0].value)
        #expect(message.metadata.projectID == 7)
        #expect(message.metadata.keyID == 3)
        #expect(message.metadata.eventID == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        #expect(message.metadata.clientIP == "10.0.0.1")
        #expect(message.metadata.sdk == "sentry.python/2.0")
        #expect(message.metadata.sentAt == "2024-01-01T00:00:00Z")
        #expect(message.payload == Array(#"{"event_id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","message":"x"}"#.utf8))
        let attachment = try IngestMessage.decode(result.messages[1].value)
        #expect(attachment.metadata.itemHeaders?["filename"] == "a.txt")
        #expect(attachment.payload == Array("abc".utf8))
    }

    @Test func rateLimitedEventTakesItsAttachmentsAlong() throws {
        let plan = try IngestPlan.make(try envelope(mixed), context: context)
        #expect(plan.demand == [.error: 1, .attachment: 3, .profile: 1])
        let result = plan.finalize(limited: [.error])
        #expect(result.messages.isEmpty)
        #expect(result.outcomes.map(\.outcome) == [.rateLimited, .rateLimited, .invalid])
        #expect(!result.fullyRateLimited)
        let onlyEvent = try IngestPlan.make(try envelope("{}\n{\"type\":\"event\"}\n{}"), context: context).finalize(limited: [.error])
        #expect(onlyEvent.fullyRateLimited)
    }

    @Test func unroutedTypesGoToAConfiguredTopic() throws {
        var configured = context
        configured.topics.extraItemTopics = ["profile": "ingest-profiles"]
        let result = try IngestPlan.make(try envelope(mixed), context: configured).finalize(limited: [])
        #expect(result.messages.map(\.topic) == ["ingest-events", "ingest-attachments", "ingest-profiles"])
        #expect(result.outcomes.map(\.outcome) == [.accepted, .accepted, .accepted])
    }

    @Test func payloadEventIDIsUsedWhenHeaderHasNone() throws {
        let plan = try IngestPlan.make(try envelope("{}\n{\"type\":\"event\"}\n{\"event_id\":\"cccccccccccccccccccccccccccccccc\"}"), context: context)
        #expect(plan.eventID == "cccccccccccccccccccccccccccccccc")
    }

    @Test func missingEventIDIsGenerated() throws {
        let plan = try IngestPlan.make(try envelope("{}\n{\"type\":\"event\"}\n{\"message\":\"m\"}"), context: context)
        #expect(plan.eventID.flatMap(EventID.normalize) != nil)
    }

    @Test func envelopeWithoutEventAnswersNoIDAndRoutesEveryType() throws {
        let plan = try IngestPlan.make(try envelope("""
            {}
            {"type":"session"}
            {"sid":"x"}
            {"type":"transaction"}
            {"type":"transaction"}
            {"type":"check_in"}
            {}
            {"type":"user_report"}
            {}
            """), context: context)
        #expect(plan.eventID != nil) // the transaction is an event
        let topics = plan.finalize(limited: []).messages.map(\.topic)
        #expect(topics == ["ingest-sessions", "ingest-transactions", "ingest-monitors", "ingest-feedback"])
        let sessions = try IngestPlan.make(try envelope("{}\n{\"type\":\"session\"}\n{\"sid\":\"x\"}"), context: context)
        #expect(sessions.eventID == nil)
    }

    @Test func clientReportsBecomeClientDiscardOutcomes() throws {
        let plan = try IngestPlan.make(try envelope("""
            {}
            {"type":"client_report"}
            {"timestamp":1700000000,"discarded_events":[{"reason":"queue_overflow","category":"error","quantity":23},{"reason":"ratelimit_backoff","category":"transaction","quantity":2}]}
            """), context: context)
        let result = plan.finalize(limited: [])
        #expect(result.messages.isEmpty)
        #expect(result.outcomes.map(\.outcome) == [.clientDiscard, .clientDiscard])
        #expect(result.outcomes.map(\.quantity) == [23, 2])
        #expect(result.outcomes.map(\.category) == [1, 2])
        #expect(result.outcomes[0].reason == "queue_overflow")
    }

    @Test func filtersDropMatchingEventsAndTheirAttachments() throws {
        var filtered = context
        filtered.filters = InboundFilters(errorMessages: ["*ConnectionError*"], releases: ["1.0-beta*"], localhost: true)
        func fate(_ event: String) throws -> [OutcomeKind] {
            let text = "{}\n{\"type\":\"event\"}\n\(event)\n{\"type\":\"attachment\",\"length\":1}\nx\n"
            return try IngestPlan.make(try envelope(text), context: filtered).finalize(limited: []).outcomes.map(\.outcome)
        }
        #expect(try fate(#"{"exception":{"values":[{"type":"ConnectionError","value":"refused"}]}}"#) == [.filtered, .filtered])
        #expect(try fate(#"{"message":"ok","release":"1.0-beta3"}"#) == [.filtered, .filtered])
        #expect(try fate(#"{"message":"ok","request":{"url":"http://localhost:3000/x"}}"#) == [.filtered, .filtered])
        #expect(try fate(#"{"message":"ok","release":"1.0"}"#) == [.accepted, .accepted])
        let reason = try IngestPlan.make(try envelope("{}\n{\"type\":\"event\"}\n{\"release\":\"1.0-beta\"}"), context: filtered)
            .finalize(limited: []).outcomes.first?.reason
        #expect(reason == "release-version")
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
            #expect((error as? RelayError)?.detail.contains("envelope exceeded size limits for type 'event'") == true)
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

    @Test func securityReportsBecomeEvents() throws {
        let report = #"{"csp-report":{"document-uri":"https://example.com/page","blocked-uri":"https://evil.example/x.js","effective-directive":"script-src-elem","violated-directive":"script-src"}}"#
        let event = try SecurityReport.event(Array(report.utf8), eventID: "a", release: "r1", environment: nil)
        #expect(event["message"] == "Blocked 'script' from 'evil.example'")
        #expect(event["request"]?["url"] == "https://example.com/page")
        #expect(event["release"] == "r1")
        #expect(throws: RelayError.self) { try SecurityReport.event(Array("{}".utf8), eventID: "a", release: nil, environment: nil) }
    }

    @Test func minidumpUploadsBecomeAnEventWithAttachment() throws {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"upload_file_minidump\"; filename=\"crash.dmp\"\r\nContent-Type: application/octet-stream\r\n\r\nMDMP\u{1}\u{2}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"sentry\"\r\n\r\n{\"release\":\"app@2\"}\r\n--XyZ--\r\n"
        let envelope = try Minidump.envelope(Array(body.utf8), contentType: "multipart/form-data; boundary=XyZ")
        #expect(envelope.items.map(\.type) == ["event", "attachment"])
        #expect(envelope.items[1].payload == Array("MDMP\u{1}\u{2}".utf8))
        #expect(envelope.items[1].headers["filename"] == "crash.dmp")
        let event = try JSON.parse(envelope.items[0].payload)
        #expect(event["release"] == "app@2")
        #expect(event["level"] == "fatal")
        #expect(throws: RelayError.self) { try Minidump.envelope(Array("not a dump".utf8), contentType: "application/octet-stream") }
        #expect(Multipart.boundary(contentType: "multipart/form-data; boundary=\(String(repeating: "-", count: 71))") == nil)
    }
}
