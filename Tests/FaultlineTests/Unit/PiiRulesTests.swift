import EventModel
import Testing
@testable import Scrubbing

/// Sentry's advanced data scrubbing: selectors, rule types, redactions and `_meta` remarks. The
/// expected outputs are what `sentry_relay.pii_strip_event` 0.10.1 answers for the same config
/// and event (bench/parity/settings_cases.py compares them across the whole corpus).
@Suite struct PiiRulesTests {
    func strip(_ config: String, _ event: String) throws -> (JSON, JSON?) {
        guard case .object(var members) = try JSON.parse(event) else { throw TestSetupError("not an object") }
        var meta = EventMeta()
        PiiProcessor(try CompiledPiiConfig(try PiiConfig.parse(config))).process(&members, meta: &meta)
        return (.object(members), meta.json())
    }

    // MARK: Selectors

    /// Accepted and refused as `sentry_relay.validate_pii_selector` does.
    @Test(arguments: [
        ("$string", true), ("$number", true), ("$boolean", true), ("$datetime", true), ("$array", true), ("$object", true),
        ("$event", true), ("$exception", true), ("$error", true), ("$stacktrace", true), ("$frame", true), ("$request", true),
        ("$http", true), ("$user", true), ("$logentry", true), ("$message", true), ("$thread", true), ("$breadcrumb", true),
        ("$span", true), ("$sdk", true), ("$minidump", true), ("$context", false), ("$foo", false), ("extra.foo", true),
        ("extra.'foo bar'", true), ("extra.'it''s'", true), ("**", true), ("*", false), ("**.x", true), ("a || b", true),
        ("a&&b", true), ("!a", true), ("!(a || b) && c", true), ("extra.0", true), ("extra.-x_y", false), ("extra.x:y", false),
        ("extra.x y", false), ("", false), ("a..b", false), ("(a", false), ("a.b.**.c", true), ("$frame.vars.foo", true),
        ("$http.headers.user-agent", true), ("'a.b'", true), ("a.$string", true), ("!!a", false), ("$String", false),
        ("foo.**.**", false),
    ])
    func selectorSyntax(_ text: String, _ valid: Bool) {
        #expect(((try? PiiSelector.parse(text)) != nil) == valid, "\(text)")
    }

    @Test func selectorsMatchTheInnermostSteps() throws {
        func step(_ key: String?, _ types: PiiValueTypes = []) -> PiiPathStep { PiiPathStep(key: key, index: nil, types: types) }
        let varsFoo = [step("exception"), step("values"), PiiPathStep(key: nil, index: 0, types: PiiValueTypes(.error)),
                       step("stacktrace", PiiValueTypes(.stacktrace)), step("frames"),
                       PiiPathStep(key: nil, index: 3, types: PiiValueTypes(.frame)), step("vars", PiiValueTypes(.object)),
                       step("Foo", PiiValueTypes(.string))]
        let yes = ["$frame.vars.foo", "vars.foo", "foo", "$string", "$error.**", "**.foo", "exception.**.vars.*", "$frame.*.*",
                   "frames.3.vars.foo", "$string && !bar", "(bar || foo) && $string", "$error.** && !$number"]
        let no = ["extra.foo", "$frame.foo", "$number", "!foo", "bar", "frames.2.vars.foo", "$string && !foo", "$http.**"]
        for text in yes { #expect(try PiiSelector.parse(text).matches(varsFoo), "\(text)") }
        for text in no { #expect(try PiiSelector.parse(text).matches(varsFoo) == false, "\(text)") }
        #expect(try PiiSelector.parse("$frame.abs_path").isSpecific)
        #expect(try PiiSelector.parse("$string").isSpecific == false)
        #expect(try PiiSelector.parse("**").isSpecific == false)
    }

    // MARK: Rule types and redactions

    @Test func builtinRulesWithTheirDefaultRedactions() throws {
        let (event, meta) = try strip(#"{"applications":{"$string":["@email:mask"]}}"#,
                                      #"{"extra":{"foo":"my email a@b.com and x"},"user":{"email":"x@y.org","ip_address":"1.2.3.4"}}"#)
        #expect(event["extra"]?["foo"] == "my email ******* and x")
        #expect(event["user"]?["email"] == "*******")
        #expect(event["user"]?["ip_address"] == "1.2.3.4")
        #expect(meta?["extra"]?["foo"]?[""] == ["rem": [["@email:mask", "m", 9, 16]], "len": 22])
        #expect(meta?["user"]?["email"]?[""] == ["rem": [["@email:mask", "m", 0, 7]], "len": 7])
    }

    @Test func hashIsUpperCaseHMACSHA1() throws {
        let (event, meta) = try strip(#"{"applications":{"$string":["@ip:hash"]}}"#, #"{"extra":{"s":"ip 10.0.0.1 end"}}"#)
        #expect(event["extra"]?["s"] == "ip F467564A4BA6F6D7D00E4534D5DCB601B1FA220D end")
        #expect(meta?["extra"]?["s"]?[""]?["rem"] == [["@ip:hash", "p", 3, 43]])
        let keyed = try strip(#"{"rules":{"p":{"type":"pattern","pattern":"a+","redaction":{"method":"hash","key":"k"}}},"applications":{"$string":["p"]}}"#,
                              #"{"extra":{"s":"aaa b"}}"#).0
        #expect(keyed["extra"]?["s"] == "B6E37432BE9553674AF08362882AA77B277B0B6A b")
    }

    @Test func eachBuiltinTypeFindsItsSecret() throws {
        let text = "ip 10.0.0.1 mail a@b.co card 4111111111111111 iban DE89370400440532013000 ssn 123-45-6789 mac 00:1A:2B:3C:4D:5E uuid 123e4567-e89b-12d3-a456-426614174000 path /home/alice/x url http://u:pw@h/ Bearer abcdef pem -----BEGIN PRIVATE KEY-----\nABC\n-----END PRIVATE KEY----- end"
        let event = #"{"extra":{"s":\#(JSON.string(text).encodedString())}}"#
        let expectations: [(String, String)] = [
            ("@ip", "ip [ip] mail"), ("@email", "mail [email] card"), ("@creditcard", "card [creditcard] iban"),
            ("@iban", "iban [iban] ssn"), ("@usssn", "ssn *********** mac"), ("@usssn:replace", "ssn [us-ssn] mac"),
            ("@mac", "mac ***************** uuid"), ("@uuid", "uuid ************************************ path"),
            ("@userpath", "path /home/[user]/x"), ("@urlauth", "url http://[auth]@h/"), ("@urlauth:legacy", "http://u:[Filtered]@h/"),
            ("@bearer", "Bearer [token] pem"), ("@pemkey", "KEY-----\n[pemkey]\n-----END"), ("@creditcard:filter", "card [Filtered] iban"),
        ]
        for (rule, fragment) in expectations {
            let (result, _) = try strip(#"{"applications":{"$string":["\#(rule)"]}}"#, event)
            let scrubbed = result["extra"]?["s"]?.string ?? ""
            #expect(scrubbed.contains(fragment), "\(rule): \(scrubbed)")
        }
    }

    @Test func patternsWithGroupsAndRemoval() throws {
        let replaced = try strip(#"{"rules":{"r":{"type":"pattern","pattern":"(x)(\\d)","replaceGroups":[2,1],"redaction":{"method":"replace","text":"F"}}},"applications":{"**":["r"]}}"#,
                                 #"{"extra":{"s":"x1 x2"}}"#)
        #expect(replaced.0["extra"]?["s"] == "FF FF")
        #expect(replaced.1?["extra"]?["s"]?[""]?["rem"] == [["r", "s", 0, 1], ["r", "s", 1, 2], ["r", "s", 3, 4], ["r", "s", 4, 5]])
        // No redaction: what the rule finds is removed.
        let removed = try strip(#"{"rules":{"p":{"type":"pattern","pattern":"a+"}},"applications":{"$string":["p"]}}"#,
                                #"{"extra":{"s":"aaa b aaa"}}"#)
        #expect(removed.0["extra"]?["s"] == " b ")
        #expect(removed.1?["extra"]?["s"]?[""] == ["rem": [["p", "x", 0, 0], ["p", "x", 3, 3]], "len": 9])
        // Patterns are case-sensitive unless they say `(?i)`.
        #expect(try strip(#"{"rules":{"p":{"type":"pattern","pattern":"X"}},"applications":{"**":["p"]}}"#, #"{"extra":{"s":"x"}}"#).0["extra"]?["s"] == "x")
    }

    @Test func pairsAndAnythingTakeWholeValues() throws {
        let event = #"{"extra":{"password":"x","FOO":"v","n":12,"o":{"k":"v"},"l":[1,"a"]}}"#
        let pair = try strip(#"{"rules":{"p":{"type":"redact_pair","keyPattern":"^[ol]$"}},"applications":{"**":["p"]}}"#, event)
        #expect(pair.0["extra"]?["o"] == .null)
        #expect(pair.0["extra"]?["l"] == .null)
        #expect(pair.1?["extra"]?["o"]?[""] == ["rem": [["p", "x"]]])
        let password = try strip(#"{"rules":{"p":{"type":"password"}},"applications":{"$string":["p"]}}"#, event)
        #expect(password.0["extra"]?["password"] == .null)
        #expect(password.1?["extra"]?["password"]?[""] == ["rem": [["p", "x"]]])
        let anything = try strip(#"{"applications":{"extra.*":["@anything"]}}"#, event)
        #expect(anything.0["extra"]?["FOO"] == "[Filtered]")
        #expect(anything.0["extra"]?["o"] == .null)
        #expect(anything.1?["extra"]?["FOO"]?[""] == ["rem": [["@anything", "s", 0, 10]], "len": 1])
        let numbers = try strip(#"{"rules":{"p":{"type":"anything","redaction":{"method":"hash"}}},"applications":{"$number":["p"]}}"#, event)
        #expect(numbers.0["extra"]?["n"] == .null)
        #expect(numbers.0["extra"]?["l"] == [.null, "a"])
    }

    @Test func multipleAndAlias() throws {
        let event = #"{"extra":{"s":"aaa b aaa a@b.co 1.2.3.4"}}"#
        let hidden = try strip(#"{"rules":{"p":{"type":"multiple","rules":["@ip","@email"],"hideInner":true}},"applications":{"$string":["p"]}}"#, event)
        #expect(hidden.0["extra"]?["s"] == "aaa b aaa [email] [ip]")
        #expect(hidden.1?["extra"]?["s"]?[""]?["rem"] == [["p", "s", 10, 17], ["p", "s", 18, 22]])
        let alias = try strip(#"{"rules":{"p":{"type":"alias","rule":"@ip","hideInner":false}},"applications":{"$string":["p"]}}"#, event)
        #expect(alias.1?["extra"]?["s"]?[""]?["rem"] == [["@ip", "s", 17, 21]])
        // A rule naming one that does not exist does nothing, as in Sentry.
        let broken = try strip(#"{"rules":{"p":{"type":"multiple","rules":["@ip","nope"]}},"applications":{"$string":["p"]}}"#, event)
        #expect(broken.0["extra"]?["s"] == "aaa b aaa a@b.co 1.2.3.4")
    }

    /// Rules in Sentry's order: a selector's rules by id, selectors in the relay's order; what an
    /// earlier rule redacted is not searched again, but `anything` takes the whole line with it.
    @Test func orderAndEarlierRedactions() throws {
        let rules = #""a1":{"type":"pattern","pattern":"1","redaction":{"method":"replace","text":"X"}},"a2":{"type":"pattern","pattern":"X","redaction":{"method":"replace","text":"Y"}},"any":{"type":"anything","redaction":{"method":"replace","text":"G"}},"b":{"type":"pattern","pattern":"xx","redaction":{"method":"replace","text":"B"}},"a":{"type":"pattern","pattern":"xxx","redaction":{"method":"replace","text":"A"}}"#
        func run(_ applications: String, _ text: String) throws -> (JSON?, JSON?) {
            let (event, meta) = try strip(#"{"rules":{\#(rules)},"applications":\#(applications)}"#, #"{"extra":{"note":"\#(text)"}}"#)
            return (event["extra"]?["note"], meta?["extra"]?["note"]?[""]?["rem"])
        }
        #expect(try run(#"{"$string":["a2","a1"]}"#, "1a1").0 == "XaX")
        let whole = try run(#"{"$string":["a1"],"extra.note":["any"]}"#, "1a1")
        #expect(whole.0 == "G")
        #expect(whole.1 == [["any", "s", 0, 1]])
        #expect(try run(#"{"$string":["b","a"]}"#, "xxxx").0 == "Ax")
        #expect(try run(#"{"$string":["b"],"extra.note":["a"]}"#, "xxxx").0 == "BB")
        #expect(try run(#"{"$string || x":["b"],"$string":["a"]}"#, "xxxx").0 == "BB")
        #expect(try run(#"{"$string":["b"],"$string || x":["a"]}"#, "xxxx").0 == "Ax")
    }

    @Test func structuresAndMaybeFields() throws {
        let event = #"""
            {"request":{"url":"http://h/a@b.com","headers":[["X-Foo","1.2.3.4"]]},"user":{"id":"a@b.com"},
             "exception":{"values":[{"type":"a@b.com","value":"a@b.com","stacktrace":{"frames":[{"abs_path":"/a@b.com","vars":{"v":"a@b.com"}}]}}]}}
            """#
        let (strings, meta) = try strip(#"{"applications":{"$string":["@email"]}}"#, event)
        #expect(strings["request"]?["url"] == "http://h/a@b.com")  // `maybe`: only a selector naming it
        #expect(strings["user"]?["id"] == "[email]")
        #expect(strings["exception"]?["values"]?[0]?["type"] == "a@b.com")  // never
        #expect(strings["exception"]?["values"]?[0]?["value"] == "[email]")
        #expect(strings["exception"]?["values"]?[0]?["stacktrace"]?["frames"]?[0]?["abs_path"] == "/a@b.com")
        #expect(strings["exception"]?["values"]?[0]?["stacktrace"]?["frames"]?[0]?["vars"]?["v"] == "[email]")
        let named = try strip(#"{"applications":{"$http.url || $frame.abs_path":["@email"]}}"#, event).0
        #expect(named["request"]?["url"] == "http://[email]")  // `/` may be in an address's local part, as Sentry reads it
        #expect(named["exception"]?["values"]?[0]?["stacktrace"]?["frames"]?[0]?["abs_path"] == "/[email]")
        // Header values are addressed by name, their `_meta` by position.
        let header = try strip(#"{"applications":{"$http.headers.x-foo":["@ip:replace"]}}"#, event)
        #expect(header.0["request"]?["headers"] == [["X-Foo", "[ip]"]])
        #expect(header.1?["request"]?["headers"]?["0"]?["1"]?[""] == ["rem": [["@ip:replace", "s", 0, 4]], "len": 7])
        #expect(meta?["user"]?["id"]?[""]?["rem"] == [["@email", "s", 0, 7]])
    }

    /// A message's template is no PII field: sentry-relay 0.10.1 leaves it even to a selector naming
    /// it; the formatted text and the params are scrubbed.
    @Test func theMessageTemplateIsNeverScrubbed() throws {
        let event = #"{"logentry":{"message":"login %s","formatted":"login x","params":["x"]}}"#
        for selector in ["$string", "$logentry.message", "logentry.message", "$logentry.**"] {
            let (stripped, meta) = try strip("{\"applications\":{\"\(selector)\":[\"@anything:replace\"]}}", event)
            #expect(stripped["logentry"]?["message"] == "login %s", "\(selector)")
            #expect(meta?["logentry"]?["message"] == nil, "\(selector)")
        }
        #expect(try strip(#"{"applications":{"$string":["@anything:replace"]}}"#, event).0["logentry"]?["formatted"] == "[Filtered]")
    }

    // MARK: Config validation

    /// Accepted and refused as `sentry_relay.validate_pii_config` 0.10.1 does.
    @Test(arguments: [
        (#"{"rules":{"a":{"type":"pattern","pattern":"[a-z"}},"applications":{"$string":["a"]}}"#, false),
        (#"{"rules":{"a":{"type":"pattern","pattern":"(?=x)"}},"applications":{"$string":["a"]}}"#, false),
        (#"{"rules":{"a":{"type":"pattern","pattern":"(a)\\1"}},"applications":{"$string":["a"]}}"#, false),
        (#"{"rules":{"a":{"type":"pattern","pattern":"a{2,1}"}},"applications":{"$string":["a"]}}"#, false),
        (#"{"rules":{"a":{"type":"pattern","pattern":"ok+"}},"applications":{"$string":["a"]}}"#, true),
        (#"{"rules":{"a":{"type":"foo"}},"applications":{"$string":["a"]}}"#, false),
        (#"{"rules":{"a":{"type":"email"}},"applications":{"$strin":["a"]}}"#, false),
        (#"{"rules":{},"applications":{"$string":["nope"]}}"#, true),
        (#"{"rules":{"a":{"type":"multiple","rules":["b"]}},"applications":{"$string":["a"]}}"#, true),
        (#"{"rules":{"a":{"type":"alias","rule":"@nope"}},"applications":{"$string":["a"]}}"#, true),
        (#"{"rules":{"a":{"type":"redact_pair","keyPattern":"("}},"applications":{"$string":["a"]}}"#, false),
        (#"{"rules":{"a":{"type":"pattern","pattern":"x","redaction":{"method":"replace"}}},"applications":{"$string":["a"]}}"#, true),
        (#"{"rules":{"a":{"type":"pattern"}},"applications":{"$string":["a"]}}"#, false),
        (#"{"foo":1}"#, true), ("[]", true), ("{}", true),
        (#"{"applications":{"$string":["@ip:replace"]}}"#, true),
        (#"{"rules":{"a":{"type":"pattern","pattern":"x","replaceGroups":[-1]}},"applications":{"$string":["a"]}}"#, false),
        (#"{"rules":{"a":{"type":"pattern","pattern":"(?<=a)b"}},"applications":{"$string":["a"]}}"#, false),
        (#"{"rules":{"a":{"type":"pattern","pattern":"a**"}},"applications":{"$string":["a"]}}"#, true),
        (#"{"rules":{"a":{"type":"pattern","pattern":"\\p{L}+"}},"applications":{"$string":["a"]}}"#, true),
        (#"{"applications":{"$string":"@ip"}}"#, false),
        ("not json", false),
    ])
    func configValidation(_ text: String, _ valid: Bool) {
        #expect(((try? PiiConfig.parse(text)) != nil) == valid, "\(text)")
    }

    @Test func configRoundTripsThroughItsText() throws {
        let config = try PiiConfig.parse(#"{"rules":{"r":{"type":"pattern","pattern":"a+","replaceGroups":[0],"redaction":{"method":"mask"}}},"applications":{"$string && !extra.x":["r","@ip"]}}"#)
        #expect(try PiiConfig.parse(config.jsonText()) == config)
    }
}

extension JSON {
    /// An element of an array (tests only).
    fileprivate subscript(position: Int) -> JSON? {
        guard case .array(let items) = self, position >= 0, position < items.count else { return nil }
        return items[position]
    }
}
