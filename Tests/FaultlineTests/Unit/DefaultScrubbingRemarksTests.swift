import EventModel
import Foundation
import Testing
@testable import Scrubbing

/// The `_meta` remarks of Sentry's default data scrubbing (the fast path, `Scrubber`), against
/// the real sentry-relay package: each case of Tests/compat/default_remarks.py (each default rule
/// in each location, the formatted message, sensitive fields' case, the user's IP address) is the
/// relay-normalized event and `pii_strip_event`'s answer. The recorded answers run without
/// Python; the live check asks the package again.
@Suite struct DefaultScrubbingRemarksTests {
    struct Case {
        let name: String
        let settings: ScrubbingSettings
        let event: [String: JSON]
        let meta: EventMeta
        let expected: JSON
    }

    static func cases(_ text: String) throws -> [Case] {
        let root = try JSON.parse(text)
        return try (root["cases"]?.array ?? []).map { item in
            guard let name = item["name"]?.string, case .object(var event)? = item["event"], case .object(var expected)? = item["expected"],
                  let settings = item["settings"] else { throw TestSetupError("malformed case") }
            let meta = event.removeValue(forKey: "_meta").map(EventMeta.init(json:)) ?? EventMeta()
            expected["_meta"] = expected["_meta"].flatMap { $0.isNull ? nil : $0 }
            return Case(name: name, settings: ScrubbingSettings(
                scrubData: settings["scrubData"]?.bool ?? true, scrubDefaults: settings["scrubDefaults"]?.bool ?? true,
                scrubIPAddresses: settings["scrubIpAddresses"]?.bool ?? false,
                sensitiveFields: (settings["sensitiveFields"]?.array ?? []).compactMap(\.string)),
                event: event, meta: meta, expected: .object(expected))
        }
    }

    /// Faultline's scrubbed event with its `_meta`, in the package's shape.
    static func scrub(_ scrubCase: Case) -> JSON {
        var event = scrubCase.event
        var meta = scrubCase.meta
        EventScrubber(scrubCase.settings).scrub(&event, meta: &meta)
        event["_meta"] = meta.json()
        return .object(event)
    }

    static func check(_ cases: [Case]) {
        #expect(cases.count > 80)
        for scrubCase in cases {
            let actual = scrub(scrubCase)
            let actualMeta = actual["_meta"]?.encodedString() ?? "nil", expectedMeta = scrubCase.expected["_meta"]?.encodedString() ?? "nil"
            #expect(actualMeta == expectedMeta, "\(scrubCase.name) _meta")
            for (key, value) in scrubCase.expected.object ?? [:] where key != "_meta" {
                let actualValue = actual[key]?.encodedString() ?? "nil", expectedValue = value.encodedString()
                #expect(actualValue == expectedValue, "\(scrubCase.name) \(key)")
            }
        }
    }

    @Test func recordedRemarksMatchSentryRelay() throws {
        let path = TestEnvironment.packageRoot.appendingPathComponent("Tests/compat/default_remarks.json").path
        Self.check(try Self.cases(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)))
    }

    @Test func liveRemarksMatchSentryRelay() async throws {
        let run = try await ChildProcess.run(try TestEnvironment.python, [TestEnvironment.compatScript("default_remarks.py")])
        #expect(run.status == 0, "\(run.stderr)")
        Self.check(try Self.cases(run.stdout))
    }

    /// Ranges are UTF-8 offsets in the new value (as the package reports them), `len` counts
    /// characters; several rules in one text are in text order.
    @Test func rangesAreUTF8OffsetsInTheNewValue() {
        var meta = EventMeta()
        var event: [String: JSON] = ["extra": ["v": "é 4111111111111111 ü 123-45-6789"]]
        EventScrubber.default.scrub(&event, meta: &meta)
        #expect(event["extra"]?["v"] == "é [Filtered] ü [Filtered]")
        #expect(meta[["extra", "v"]].entry.remarks == [EventMeta.Remark("@creditcard:filter", .substituted, range: 3..<13),
                                                        EventMeta.Remark("@usssn:filter", .substituted, range: 17..<27)])
        #expect(meta[["extra", "v"]].entry.originalLength == 32)
    }
}
