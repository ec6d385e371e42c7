import EventModel
import Testing
@testable import Grouping

func groupingEvent(_ json: String) throws -> SentryEvent { try SentryEvent.parse(Array(json.utf8)) }

@Suite struct GrouperTests {
    let python = """
        {"platform":"python","exception":{"values":[{"type":"ValueError","value":"bad value 1\\nmore",
         "stacktrace":{"frames":[
           {"module":"runpy","function":"_run_code","filename":"runpy.py","lineno":86,"in_app":false},
           {"module":"app.views","function":"index","filename":"app/views.py","lineno":%LINE%,"in_app":true,
            "context_line":"    raise ValueError(x)"}]}}]}}
        """

    @Test func lineNumbersNeverChangeTheHash() throws {
        let first = Grouper.group(try groupingEvent(python.replacingOccurrences(of: "%LINE%", with: "10")))
        let second = Grouper.group(try groupingEvent(python.replacingOccurrences(of: "%LINE%", with: "99")))
        #expect(first.hashes == second.hashes)
        #expect(first.title == "ValueError: bad value 1")
        #expect(first.culprit == "app.views in index")
        #expect(first.metadataType == "ValueError")
    }

    @Test func pythonAppAndSystemVariantsHashTheirFramesThenTheType() throws {
        let result = Grouper.group(try groupingEvent(python.replacingOccurrences(of: "%LINE%", with: "1")))
        // Legacy order of newstyle:2023-01-11: stack trace, then type; the value yields to the stack trace.
        // Python context lines contribute, whitespace collapsed.
        let app = Grouper.hash(["app.views", "index", "raise ValueError(x)", "ValueError"])
        let system = Grouper.hash(["runpy", "_run_code", "app.views", "index", "raise ValueError(x)", "ValueError"])
        #expect(result.hashes == [app, system])
        #expect(result.variants.map(\.name) == ["app", "system"])
    }

    @Test func differentTypeOrFunctionSplits() throws {
        let base = Grouper.group(try groupingEvent(python.replacingOccurrences(of: "%LINE%", with: "1")))
        let otherType = Grouper.group(try groupingEvent(python.replacingOccurrences(of: "%LINE%", with: "1")
            .replacingOccurrences(of: "ValueError", with: "TypeError")))
        let otherFunction = Grouper.group(try groupingEvent(python.replacingOccurrences(of: "%LINE%", with: "1")
            .replacingOccurrences(of: "\"index\"", with: "\"detail\"")))
        #expect(base.hashes != otherType.hashes)
        #expect(base.hashes[0] != otherFunction.hashes[0])
    }

    @Test func snapshotContributingSystemAndAppFramesWithRules() throws {
        // Verified against Sentry's newstyle:2023-01-11 snapshot
        // `contributing_system_and_app_frames`: +app/-app and +group/-group per variant.
        let event = try groupingEvent("""
            {"platform":"javascript","exception":{"values":[{"type":"FailedToFetchError",
             "value":"FailedToFetchError: Charlie didn't bring the ball back!","stacktrace":{"frames":[
              {"filename":"app.js","function":"runApp","context_line":"return server.serve(port);"},
              {"filename":"router.js","function":"handleRequest","context_line":"return handler(request);"},
              {"filename":"metrics.js","function":"recordMetrics","context_line":"return withMetrics(handler, metricName, tags);"},
              {"filename":"dogpark.js","function":"playFetch","context_line":"raise FailedToFetchError('Charlie didn't bring the ball back!');"}]}}]}}
            """)
        let rules = try StackTraceRules.parse("""
            function:runApp -app -group
            function:handleRequest -app +group
            function:recordMetrics +app -group
            function:playFetch +app +group
            """)
        let result = Grouper.group(event, config: GroupingConfig(stackTraceRules: rules))
        #expect(result.hashes == ["161ce02ecc5d6685a72e8e520ab726b3", "c5e4b4a9ad1803c4d4ca7feee5e430ae"])
    }

    @Test func snapshotJavaLambdaModuleIsIgnored() throws {
        // Verified against Sentry's snapshot `frame_ignores_java8_lambda_module`: the generated
        // lambda class does not contribute, and without in-app frames only `system` counts.
        let event = try groupingEvent("""
            {"platform":"java","stacktrace":{"frames":[{"module":"foo.bar.Baz$$Lambda$40/1673859467","function":"call"}]}}
            """)
        let result = Grouper.group(event)
        #expect(result.hashes == ["53b9e9679a8ea25880376080b76f98ad"])
        #expect(result.variants.first { $0.name == "app" }?.hash == nil)
    }

    @Test func snapshotCustomClientFingerprint() throws {
        // Verified against Sentry's snapshot `custom_fingerprint_client`: only the fingerprint is hashed.
        let event = try groupingEvent("""
            {"message":"whatever","fingerprint":["celery","SoftTimeLimitExceeded","sentry.tasks.store.process_event"]}
            """)
        #expect(Grouper.group(event).hashes == ["f30afa00b85f5cac5ee0bce01b31f08d"])
    }

    @Test func messageEventsGroupByParameterizedMessage() throws {
        let a = Grouper.group(try groupingEvent(#"{"message":"disk full on 10.0.0.1 after 30 tries"}"#))
        let b = Grouper.group(try groupingEvent(#"{"logentry":{"formatted":"disk full on 10.0.0.2 after 12 tries"}}"#))
        let c = Grouper.group(try groupingEvent(#"{"message":"disk almost full"}"#))
        #expect(a.hashes == b.hashes)
        #expect(a.hashes == [Grouper.hash(["disk full on <ip> after <int> tries"])])
        #expect(a.hashes != c.hashes)
        #expect(a.title == "disk full on 10.0.0.1 after 30 tries")
        #expect(a.type == "default")
    }

    @Test func messageTemplateWinsOverFormattedText() throws {
        let a = Grouper.group(try groupingEvent(#"{"logentry":{"message":"user %s failed","formatted":"user bob failed"}}"#))
        #expect(a.hashes == [Grouper.hash(["user %s failed"])])
        #expect(a.title == "user bob failed")
    }

    @Test func customFingerprintReplacesOrExtendsDefault() throws {
        let plain = Grouper.group(try groupingEvent(#"{"message":"m"}"#))
        let custom = Grouper.group(try groupingEvent(#"{"message":"m","fingerprint":["db-down"]}"#))
        let extended = Grouper.group(try groupingEvent(#"{"message":"m","fingerprint":["{{ default }}","x"]}"#))
        let onlyDefault = Grouper.group(try groupingEvent(#"{"message":"m","fingerprint":["{{default}}"]}"#))
        let other = Grouper.group(try groupingEvent(#"{"message":"other","fingerprint":["db-down"]}"#))
        #expect(custom.hashes == [Grouper.hash(["db-down"])])
        #expect(custom.hashes == other.hashes)
        // Hybrid: the default values are spliced in where {{ default }} stands.
        #expect(extended.hashes == [Grouper.hash(["m", "x"])])
        #expect(onlyDefault.hashes == plain.hashes)
    }

    @Test func fingerprintVariablesResolve() throws {
        let event = try groupingEvent("""
            {"platform":"python","transaction":"/api/x","level":"error","exception":{"values":[{"type":"KeyError","value":"k",
             "stacktrace":{"frames":[{"module":"a","function":"f","in_app":true}]}}]},
             "fingerprint":["{{ transaction }}","{{ error.type }}","{{ function }}","{{ level }}","{{ tags.missing }}"]}
            """)
        #expect(Grouper.group(event).hashes == [Grouper.hash(["/api/x", "KeyError", "f", "error", "<no-value-for-tag-missing>"])])
    }

    @Test func exceptionWithoutFramesGroupsByTypeAndParameterizedValue() throws {
        let a = Grouper.group(try groupingEvent(#"{"exception":{"values":[{"type":"Timeout","value":"after 31ms on id 42"}]}}"#))
        let b = Grouper.group(try groupingEvent(#"{"exception":{"values":[{"type":"Timeout","value":"after 7ms on id 9"}]}}"#))
        #expect(a.hashes == b.hashes)
        #expect(a.hashes == [Grouper.hash(["Timeout", "after <duration> on id <int>"])])
    }

    @Test func chainedExceptionsAllContribute() throws {
        let event = try groupingEvent("""
            {"platform":"python","exception":{"values":[
              {"type":"KeyError","value":"x","stacktrace":{"frames":[{"module":"a","function":"f","in_app":true}]}},
              {"type":"RuntimeError","value":"y","stacktrace":{"frames":[{"module":"b","function":"g","in_app":true}]}}]}}
            """)
        let result = Grouper.group(event)
        #expect(result.hashes[0] == Grouper.hash(["a", "f", "KeyError", "b", "g", "RuntimeError"]))
        #expect(result.title == "RuntimeError: y")
    }

    @Test func threadsUseTheCrashedThread() throws {
        let event = try groupingEvent("""
            {"platform":"cocoa","threads":{"values":[
              {"id":1,"stacktrace":{"frames":[{"function":"idle","in_app":true}]}},
              {"id":2,"crashed":true,"stacktrace":{"frames":[{"function":"-[Foo bar:]","package":"/var/containers/Bundle/Application/X/App.app/App"}]}}]}}
            """)
        let result = Grouper.group(event)
        // The package rule of the built-in rules marks the app bundle in-app.
        #expect(result.hashes == [Grouper.hash(["-[Foo bar:]"]), Grouper.hash(["-[Foo bar:]"])])
    }

    @Test func nativeFunctionsAreTrimmed() {
        #expect(FrameFunctionCleanup.trim("void std::vector<int, std::allocator<int>>::push_back(int const&)", platform: "native")
                == "std::vector<T>::push_back")
        #expect(FrameFunctionCleanup.trim("-[UIApplication sendAction:to:from:forEvent:]", platform: "cocoa")
                == "-[UIApplication sendAction:to:from:forEvent:]")
        #expect(FrameFunctionCleanup.trim("foo(int)", platform: "python") == "foo(int)")
    }

    @Test func javascriptNoiseIsIgnored() throws {
        func hashes(_ function: String) throws -> [String] {
            Grouper.group(try groupingEvent("""
                {"platform":"javascript","exception":{"values":[{"type":"TypeError","value":"x","stacktrace":{"frames":[
                  {"abs_path":"https://example.com/app.js","filename":"/app.js","function":"main","in_app":true},
                  {"abs_path":"https://example.com/app.js","filename":"/app.js","function":"\(function)","in_app":true}]}}]}}
                """)).hashes
        }
        // Object.<anonymous> and friends do not contribute; URL filenames do not either.
        #expect(try hashes("Object.<anonymous>") == hashes("<anonymous>"))
        #expect(try hashes("Object.<anonymous>")[0] == Grouper.hash(["main", "TypeError"]))
        #expect(try hashes("Foo.render")[0] == Grouper.hash(["main", "render", "TypeError"]))
    }

    @Test func javaCodegenMarkersAreRemoved() {
        let module = JavaCodegen.cleanModule("com.example.User$HibernateProxy$oRWxjAWT")
        #expect(module == "com.example.User$HibernateProxy$<auto>")
        #expect(JavaCodegen.cleanModule("com.example.Api$$EnhancerBySpringCGLIB$$ae46b1bf") == "com.example.Api$$EnhancerBySpringCGLIB$$<auto>")
    }

    @Test func recursionIsIgnored() throws {
        let frame = #"{"module":"a","function":"f","lineno":3,"in_app":true}"#
        let once = Grouper.group(try groupingEvent(#"{"platform":"python","stacktrace":{"frames":[\#(frame)]}}"#))
        let twice = Grouper.group(try groupingEvent(#"{"platform":"python","stacktrace":{"frames":[\#(frame),\#(frame)]}}"#))
        #expect(once.hashes == twice.hashes)
    }

    @Test func emptyEventFallsBack() throws {
        #expect(Grouper.group(try groupingEvent("{}")).hashes == ["d41d8cd98f00b204e9800998ecf8427e"])
        #expect(Grouper.group(try groupingEvent("{}")).title == "<unlabeled event>")
    }

    @Test func culpritPerPlatform() throws {
        let js = Grouper.group(try groupingEvent("""
            {"platform":"node","exception":{"values":[{"type":"E","stacktrace":{"frames":[{"filename":"a.js","function":"go","in_app":true}]}}]}}
            """))
        #expect(js.culprit == "go(a.js)")
        let native = Grouper.group(try groupingEvent("""
            {"platform":"native","exception":{"values":[{"type":"E","stacktrace":{"frames":[{"function":"main","in_app":true}]}}]}}
            """))
        #expect(native.culprit == "main")
        let transaction = Grouper.group(try groupingEvent(#"{"transaction":"GET /x","message":"m"}"#))
        #expect(transaction.culprit == "GET /x")
    }

    @Test func longValuesAreTruncatedInTitles() throws {
        let value = String(repeating: "x", count: 150)
        let result = Grouper.group(try groupingEvent(#"{"exception":{"values":[{"type":"E","value":"\#(value)"}]}}"#))
        #expect(result.title == "E: " + String(repeating: "x", count: 97) + "...")
    }

    @Test func md5MatchesKnownValue() {
        #expect(Grouper.hash(["hello"]) == "5d41402abc4b2a76b9719d911017c592")
    }
}

@Suite struct MessageParameterizerTests {
    @Test(arguments: [
        ("mail bob@example.com now", "mail <email> now"),
        ("see https://x.io/a?b=1 now", "see <url> now"),
        ("host db1.example.com down", "host <hostname> down"),
        ("from 192.168.0.1", "from <ip>"),
        ("id 550e8400-e29b-41d4-a716-446655440000", "id <uuid>"),
        ("sha 356a192b7913b04c54574d18c28d46e6395428ab", "sha <sha1>"),
        ("at 2024-01-02T03:04:05Z", "at <date>"),
        ("took 250ms", "took <duration>"),
        ("addr 0xdeadbeef", "addr <hex>"),
        ("ratio 0.75", "ratio <float>"),
        ("count 42", "count <int>"),
        ("key='abc' flag=true", "key=<quoted_str> flag=<bool>"),
    ])
    func placeholders(input: String, expected: String) {
        #expect(MessageParameterizer.normalize(input) == expected)
    }

    @Test func keepsTwoLinesAndMarksTheCut() {
        #expect(MessageParameterizer.normalize("a\n\nb\nc") == "a\nb...")
    }
}

@Suite struct GroupingRulesTests {
    @Test func fingerprintRulesMatchAndReplace() throws {
        let rules = try FingerprintRules.parse("""
            # database outages are one issue
            error.type:DatabaseUnavailable -> system-down
            message:"*connection refused*" -> connection-refused, {{ level }} title="Refused ({{ level }})"
            stack.function:handle_* !app:no -> {{ default }}, handlers
            """)
        #expect(rules.rules.count == 3)
        let down = Grouper.group(try groupingEvent(#"{"exception":{"values":[{"type":"DatabaseUnavailable","value":"x"}]}}"#),
                                 config: GroupingConfig(fingerprintRules: rules))
        #expect(down.hashes == [Grouper.hash(["system-down"])])
        let refused = Grouper.group(try groupingEvent(#"{"level":"warning","message":"Upstream: Connection Refused by peer"}"#),
                                    config: GroupingConfig(fingerprintRules: rules))
        #expect(refused.hashes == [Grouper.hash(["connection-refused", "warning"])])
        #expect(refused.title == "Refused (warning)")
        let handler = try groupingEvent("""
            {"platform":"python","exception":{"values":[{"type":"E","stacktrace":{"frames":[{"module":"m","function":"handle_x","in_app":true}]}}]}}
            """)
        #expect(Grouper.group(handler, config: GroupingConfig(fingerprintRules: rules)).hashes[0]
                == Grouper.hash(["m", "handle_x", "E", "handlers"]))
    }

    @Test func badRulesReportTheirLine() {
        #expect(throws: GroupingRuleError(line: 2, message: "unknown matcher 'colour'")) {
            try FingerprintRules.parse("error.type:A -> a\ncolour:red -> b")
        }
        #expect(throws: GroupingRuleError.self) { try FingerprintRules.parse("error.type:A") }
        #expect(throws: GroupingRuleError(line: 1, message: "unknown action '+ap'")) { try StackTraceRules.parse("module:x +ap") }
        #expect(throws: GroupingRuleError.self) { try StackTraceRules.parse("\n\nmodule:\"open -app") }
        #expect(throws: GroupingRuleError.self) { try StackTraceRules.parse("-app") }
    }

    @Test func builtInRulesParse() throws {
        #expect(try StackTraceRules.parse(BuiltInStackTraceRules.text).rules.count == BuiltInStackTraceRules.rules.rules.count)
        #expect(BuiltInStackTraceRules.rules.rules.count > 50)
    }

    @Test func stackTraceRulesChangeInAppAndGrouping() throws {
        let rules = try StackTraceRules.parse("""
            stack.module:requests.* -app
            family:other stack.function:log_* -group
            [ stack.function:outer ] | stack.function:inner +app
            """)
        var json = try groupingEvent("""
            {"platform":"python","exception":{"values":[{"type":"E","stacktrace":{"frames":[
              {"module":"app","function":"outer","in_app":false},
              {"module":"app","function":"inner"},
              {"module":"requests.api","function":"get","in_app":true},
              {"module":"app","function":"log_it","in_app":true}]}}]}}
            """).json
        InAppDefaults.apply(&json, rules: rules)
        let frames = json["exception"]?["values"]?.array?.first?["stacktrace"]?["frames"]?.array ?? []
        #expect(frames.map { $0["in_app"] } == [false, true, false, true])
        let result = Grouper.group(SentryEvent(json: json), config: GroupingConfig(stackTraceRules: rules))
        #expect(result.hashes[0] == Grouper.hash(["app", "inner", "E"]))
    }

    @Test func inAppDefaultsByPlatform() throws {
        var json = try groupingEvent("""
            {"platform":"java","exception":{"values":[{"type":"E","stacktrace":{"frames":[
              {"module":"java.lang.Thread","function":"run"},
              {"module":"org.springframework.web.Servlet","function":"service","in_app":true},
              {"module":"com.acme.Billing","function":"charge"},
              {"abs_path":"/srv/node_modules/x/index.js","function":"y","platform":"node","in_app":true}]}}]}}
            """).json
        InAppDefaults.apply(&json)
        let frames = json["exception"]?["values"]?.array?.first?["stacktrace"]?["frames"]?.array ?? []
        // Unset library frames get false; built-in rules override the SDK; unknown frames stay unset.
        #expect(frames.map { $0["in_app"] } == [false, false, nil, false])
    }

    @Test func globs() {
        #expect(Glob("**/node_modules/**", pathNormalize: true, doubleStar: true).matches("/app/node_modules/x/y.js"))
        #expect(!Glob("*/x.js", doubleStar: true).matches("a/b/x.js"))
        #expect(Glob("?[[]Sentry*").matches("-[SentryClient send]"))
        #expect(Glob("java.*").matches("java.lang.Thread"))
        #expect(!Glob("java.*").matches("javax.net"))
    }
}
