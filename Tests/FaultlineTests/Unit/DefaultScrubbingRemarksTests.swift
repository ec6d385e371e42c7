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
            #expect(actual["_meta"] == scrubCase.expected["_meta"],
                    "\(scrubCase.name) _meta: \(actual["_meta"]?.encodedString() ?? "nil") != \(scrubCase.expected["_meta"]?.encodedString() ?? "nil")")
            for (key, value) in scrubCase.expected.object ?? [:] where key != "_meta" {
                #expect(actual[key] == value, "\(scrubCase.name) \(key): \(actual[key]?.encodedString() ?? "nil") != \(value.encodedString())")
            }
        }
    }

    @Test func recordedRemarksMatchSentryRelay() throws {
        let path = TestEnvironment.packageRoot.appendingPathComponent("Tests/compat/default_remarks.json").path
        check(try Self.cases(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)))
    }

    @Test func liveRemarksMatchSentryRelay() async throws {
        let run = try await ChildProcess.run(try TestEnvironment.python, [TestEnvironment.compatScript("default_remarks.py")])
        #expect(run.status == 0, "\(run.stderr)")
        check(try Self.cases(run.stdout))
    }

    /// Ranges count Unicode scalars of the new value; several rules in one text are in text order.
    @Test func rangesAreInScalarsOfTheNewValue() {
        var meta = EventMeta()
        let event = Scrubber(.default).scrub(["extra": ["v": "é 4111111111111111 ü 123-45-6789"]], meta: &meta)
        #expect(event["extra"]?["v"] == "é [Filtered] ü [Filtered]")
        #expect(meta[["extra", "v"]].entry.remarks == [EventMeta.Remark("@creditcard:filter", .substituted, range: 2..<12),
                                                        EventMeta.Remark("@usssn:filter", .substituted, range: 15..<25)])
        #expect(meta[["extra", "v"]].entry.originalLength == 32)
    }
}
