import EventModel
import Foundation
import Scrubbing
import Testing
@testable import Processor
@testable import Query
@testable import Relay
import Store

/// Every input under fuzz/corpus/<target>/ (the seeds, and any crash a fuzzing run finds, kept
/// there under its libFuzzer name) fed to the same API and checked against the same invariants
/// as the libFuzzer harness in fuzz/<target>.swift, so each finding stays fixed in CI.
@Suite struct FuzzRegressionTests {
    static func inputs(_ target: String) throws -> [(String, [UInt8])] {
        let folder = TestEnvironment.packageRoot.appendingPathComponent("fuzz/corpus/\(target)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }

    @Test func envelopeCorpus() throws {
        let inputs = try Self.inputs("envelope")
        #expect(inputs.count > 50)
        for (_, bytes) in inputs {
            guard let envelope = try? EnvelopeParser.parse(bytes) else { continue }
            for item in envelope.items { _ = try? SentryEvent.parse(item.payload) }
        }
    }

    @Test func eventCorpusRoundTripsThroughTheJSONWriter() throws {
        for (name, bytes) in try Self.inputs("event") {
            guard let value = try? JSON.parse(bytes) else { continue }
            #expect(try JSON.parse(value.encoded()) == value, "\(name)")
            if let event = try? SentryEvent.parse(bytes) {
                _ = (event.eventID, event.timestamp, event.message, event.fingerprint, event.userKey, event.traceID, event.tags)
                _ = event.exceptions.map(\.frames.count)
                _ = event.threadFrames
            }
        }
    }

    @Test func decompressCorpusStaysWithinTheLimit() throws {
        let limit = 1 << 20
        for (name, bytes) in try Self.inputs("decompress") where !bytes.isEmpty {
            let body = Array(bytes.dropFirst())
            let output = bytes[0] & 1 == 0 ? try? StreamDecompressors.brotli(body, limit: limit)
                                           : try? StreamDecompressors.zstd(body, limit: limit)
            #expect((output?.count ?? 0) <= limit, "\(name)")
        }
    }

    /// fuzz/process.swift: the processor's whole step (normalize, scrub, group) with the same rules.
    @Test func processCorpusNormalizesScrubsAndGroups() throws {
        let scrubbing = ScrubbingSettings(scrubData: true, scrubIPAddresses: true, sensitiveFields: ["order_id", "*token*"])
        let inputs = try Self.inputs("process")
        #expect(inputs.count > 50)
        for (name, bytes) in inputs {
            let message = IngestMessage(metadata: .init(type: "event", eventID: nil, projectID: 1, keyID: 1, received: 1_795_316_470.5,
                                                        clientIP: "203.0.113.7", sdk: "sentry.python/2.19.0",
                                                        sentAt: "2026-11-22T03:00:00.000Z"),
                                        payload: bytes)
            guard let processed = try? EventPipeline.process(message, scrubbing: scrubbing) else { continue }
            #expect(try JSON.parse(processed.payload).object != nil, "\(name)")
            #expect(!processed.grouping.hashes.isEmpty, "\(name)")
        }
    }

    /// fuzz/render.swift: any stored payload renders as the API's event and the dashboard's HTML.
    @Test func renderCorpusRendersEveryStoredPayload() throws {
        let inputs = try Self.inputs("render")
        #expect(inputs.count > 50)
        for (name, bytes) in inputs {
            let event = QueryHardeningTests.record(String(decoding: bytes, as: UTF8.self))
            #expect(!EventJSON.full(event).encoded().isEmpty, "\(name)")
            _ = DashboardTemplates.render("event", EventView.context(event, org: "acme", issueID: 1))
        }
    }

    @Test func searchCorpusParsesOrFailsWithASearchError() throws {
        let now = Date(timeIntervalSince1970: 1_795_316_470)
        for (name, bytes) in try Self.inputs("search") {
            do {
                _ = try IssueSearch.parse(String(decoding: bytes, as: UTF8.self), now: now)
            } catch {
                #expect(!error.message.isEmpty, "\(name)")
            }
        }
    }
}
