import EventModel
import Foundation
import Testing
@testable import Processor
@testable import Scrubbing

/// `request.cookies` against the real sentry-relay package: each case of
/// Tests/compat/request_cookies.py (objects, texts, lists, invalid values, `Cookie` headers) is
/// normalized by `RequestNormalization` and then scrubbed by the default `EventScrubber` (with the
/// case's safe fields); the
/// cookies, the headers and the `_meta` at `request.cookies` must equal the package's after
/// `StoreNormalizer.normalize_event` and after `pii_strip_event`. The recorded answers run
/// without Python; the live check asks the package again.
@Suite struct CookieNormalizationTests {
    /// cookies, headers (nil when none are left) and the `_meta` at `request.cookies`.
    static func picked(_ event: [String: JSON], _ meta: EventMeta) -> JSON {
        let request = event["request"]
        let headers = request?["headers"].flatMap { $0.array?.isEmpty == true ? nil : $0 }
        return .object(["cookies": request?["cookies"] ?? .null, "headers": headers ?? .null,
                        "meta": meta[["request", "cookies"]].json() ?? .null])
    }

    static func check(_ text: String) throws {
        let cases = try JSON.parse(text)["cases"]?.array ?? []
        #expect(cases.count > 30)
        for item in cases {
            let name = item["name"]?.string ?? "?"
            guard case .object(let request)? = item["request"] else { throw TestSetupError("malformed case \(name)") }
            var event: [String: JSON] = ["request": .object(request)]
            var meta = EventMeta()
            RequestNormalization.apply(&event, meta: &meta)
            #expect(picked(event, meta).encodedString() == item["normalized"]?.encodedString(), "\(name) normalized")
            var settings = ScrubbingSettings.default
            settings.safeFields = (item["safeFields"]?.array ?? []).compactMap(\.string)
            EventScrubber(settings).scrub(&event, meta: &meta)
            #expect(picked(event, meta).encodedString() == item["scrubbed"]?.encodedString(), "\(name) scrubbed")
        }
    }

    @Test func recordedCookiesMatchSentryRelay() throws {
        let path = TestEnvironment.packageRoot.appendingPathComponent("Tests/compat/request_cookies.json").path
        try Self.check(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
    }

    @Test func liveCookiesMatchSentryRelay() async throws {
        let run = try await ChildProcess.run(try TestEnvironment.python, [TestEnvironment.compatScript("request_cookies.py")])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.check(run.stdout)
    }

    /// Object cookies become pairs sorted by name, so the scrubber's remark sits at the pair's
    /// index, as Sentry's does (bench/parity's `request.cookies.object`).
    @Test func objectCookiesAreRemarkedAtTheirPairsIndex() {
        var event: [String: JSON] = ["request": ["cookies": ["theme": "dark", "password": "s3cr3t"]]]
        var meta = EventMeta()
        RequestNormalization.apply(&event, meta: &meta)
        EventScrubber.default.scrub(&event, meta: &meta)
        #expect(event["request"]?["cookies"] == [["password", "[Filtered]"], ["theme", "dark"]])
        #expect(meta.json() == ["request": ["cookies": ["0": ["1": ["": ["rem": [["@password:filter", "s", 0, 10]], "len": 6]]]]]])
    }
}
