import EventModel
import Testing
@testable import Processor

/// Sentry's normalizer, case by case; each expectation is what `sentry-relay` 0.10.1's
/// `StoreNormalizer.normalize_event` returns for the same input (bench/parity checks them in bulk).
@Suite struct SentryNormalizationTests {
    func normalized(_ text: String) throws -> JSON {
        guard case .object(var event) = try JSON.parse(text) else { throw TestSetupError("not an object") }
        var meta = EventMeta()
        RequestNormalization.apply(&event, meta: &meta)
        EventAttributes.apply(&event, meta: &meta)
        return .object(event)
    }

    @Test func levels() throws {
        let cases: [(String, String)] = [("\"fatal\"", "fatal"), ("\"warn\"", "error"), ("\"log\"", "info"),
                                         ("\"critical\"", "fatal"), ("\"Warning\"", "error"), ("30", "warning"),
                                         ("\"30\"", "error"), ("50", "fatal"), ("10", "debug"), ("\"\"", "error"), ("null", "error")]
        for (input, level) in cases { #expect(EventAttributes.level(try JSON.parse(input)) == level, "\(input)") }
    }

    @Test func environmentReleaseAndDistAreTrimmedOrDropped() throws {
        #expect(try normalized(#"{"environment":" prod ","release":" 2.0 ","dist":" 42 "}"#)
            == ["environment": "prod", "release": "2.0", "dist": "42"])
        #expect(try normalized(#"{"environment":"a/b","release":"latest","dist":"a b"}"#) == [:])
        #expect(try normalized(#"{"environment":"None","release":"..","dist":""}"#) == [:])
        #expect(try normalized(#"{"environment":"   ","release":"a/b"}"#) == [:])
        #expect(try normalized(#"{"environment":"a b","release":"a b"}"#) == ["environment": "a b", "release": "a b"])
    }

    @Test func javaLoggersKeepTheirEnd() throws {
        let long = "com.example." + String(repeating: "b", count: 70)
        #expect(try normalized("{\"platform\":\"java\",\"logger\":\"\(long)\"}")["logger"] == .string("*" + String(repeating: "b", count: 63)))
        #expect(try normalized(#"{"platform":"java","logger":"  spaced  "}"#)["logger"] == "spaced")
        #expect(try normalized(#"{"platform":"python","logger":"  spaced  "}"#)["logger"] == "  spaced  ")
    }

    @Test func messagesBecomeLogentriesFormattedWithTheirParams() throws {
        #expect(try normalized(#"{"message":"hello %s"}"#) == ["logentry": ["formatted": "hello %s"]])
        #expect(try normalized(#"{"message":{"message":"user %s failed %d","params":["bob",3]}}"#)
            == ["logentry": ["message": "user %s failed %d", "formatted": "user bob failed 3", "params": ["bob", 3]]])
        #expect(try normalized(#"{"logentry":{"message":"user {} failed {0}","params":["bob"]}}"#)["logentry"]?["formatted"]
            == "user bob failed bob")
        #expect(try normalized(#"{"logentry":{"message":"a %(name)s b","params":{"name":"bob"}}}"#)["logentry"]?["formatted"]
            == "a bob b")
        // A null param: left unformatted, as Sentry leaves it.
        #expect(try normalized(#"{"logentry":{"message":"user %s failed %s","params":["bob",null]}}"#)
            == ["logentry": ["formatted": "user %s failed %s", "params": ["bob", nil]]])
        #expect(try normalized(#"{"logentry":{"formatted":"pre","message":"x %s","params":["y"]}}"#)
            == ["logentry": ["formatted": "pre", "message": "x %s", "params": ["y"]]])
        // Unclosed `%(` names cost a bounded look-ahead each.
        #expect(MessageFormatting.format(String(repeating: "%(", count: 50_000), .object([:])) == nil)
    }

    @Test func exceptionShapes() throws {
        #expect(try normalized(#"{"exception":{"type":"ValueError","value":"single"}}"#)
            == ["exception": ["values": [["type": "ValueError", "value": "single"]]]])
        #expect(try normalized(#"{"exception":[{"type":"A","value":"a"}]}"#) == ["exception": ["values": [["type": "A", "value": "a"]]]])
        #expect(try normalized(#"{"exception":{"values":[{"type":"","value":"","stacktrace":{"frames":[]}},{"type":"B"}]}}"#)
            == ["exception": ["values": [nil, ["type": "B"]]]])
        let long = try normalized("{\"exception\":{\"values\":[{\"type\":\"\(String(repeating: "x", count: 300))\",\"module\":\"\(String(repeating: "m", count: 300))\"}]}}")
        // Cut by `EventTrimming` (Sentry's trimming, `enable_trimming`), not here.
        let first = long["exception"]?["values"]?.array?.first
        #expect(first?["type"]?.string?.count == 300)
        var trimmed = long.object ?? [:]
        var meta = EventMeta()
        EventTrimming.apply(&trimmed, meta: &meta)
        let cut = trimmed["exception"]?["values"]?.array?.first
        #expect(cut?["type"]?.string?.count == 256)
        #expect(cut?["module"]?.string?.hasSuffix("...") == true)
        let frame = try normalized(#"{"exception":{"values":[{"type":"A","stacktrace":{"frames":[{"filename":"a.py","in_app":null}]}}]}}"#)
        #expect(frame["exception"]?["values"]?.array?.first?["stacktrace"]?["frames"] == [["filename": "a.py", "abs_path": "a.py"]])
    }

    @Test func userBreadcrumbsAndContexts() throws {
        let event = try normalized(#"""
            {"user":{"id":"42","password":"x","email":"a@b.c"},"breadcrumbs":[{"message":"m","level":"warn"}],
             "contexts":{"os":{"name":"Linux"},"custom":{"type":"mine"}}}
            """#)
        #expect(event["user"] == ["id": "42", "email": "a@b.c", "sentry_user": "id:42", "data": ["password": "x"]])
        #expect(event["breadcrumbs"] == ["values": [["message": "m", "level": "info", "type": "default"]]])
        #expect(event["contexts"] == ["os": ["name": "Linux", "type": "os"], "custom": ["type": "mine"]])
        let described = try normalized(#"{"contexts":{"os":{"name":"Linux","version":"6.1"},"runtime":{"name":"CPython"}}}"#)
        #expect(described["contexts"] == ["os": ["name": "Linux", "version": "6.1", "os": "Linux 6.1", "type": "os"],
                                          "runtime": ["name": "CPython", "type": "runtime"]])
    }

    @Test func requestsAsSentryShapesThem() throws {
        let event = try normalized(#"""
            {"request":{"url":"https://ex.com/a?x=1&y=%20b#frag","method":"post","cookies":"a=1; b=2","data":"p=1&q=2",
                        "headers":{"content-type":"application/x-www-form-urlencoded","x-api-key":"k"}}}
            """#)
        #expect(event["request"] == [
            "url": "https://ex.com/a", "method": "POST", "fragment": "frag", "query_string": [["x", "1"], ["y", " b"]],
            "cookies": [["a", "1"], ["b", "2"]], "data": ["p": "1", "q": "2"],
            "headers": [["Content-Type", "application/x-www-form-urlencoded"], ["X-Api-Key", "k"]],
        ])
        let json = try normalized(#"{"request":{"url":"https://ex.com/a","query_string":"?a=1&b","data":"{\"a\":1}"}}"#)
        #expect(json["request"]?["query_string"] == [["a", "1"], ["b", ""]])
        #expect(json["request"]?["data"] == ["a": 1])
        #expect(try normalized(#"{"request":{"url":"/relative","data":"plain text"}}"#)["request"]?["data"] == "plain text")
        let cookie = try normalized(#"{"request":{"headers":{"Cookie":"sessionid=abc; theme=dark"}}}"#)
        #expect(cookie["request"] == ["headers": [], "cookies": [["sessionid", "abc"], ["theme", "dark"]]])
        // An invalid escape stays as written.
        #expect(RequestNormalization.formDecoded("a%zz%2") == "a%zz%2")
    }
}
