import EventModel
import Foundation
import Testing
@testable import Grouping
@testable import Processor

/// Pins hashes, titles, culprits, the `--variants` trees and the stored payload of representative
/// events, as computed before the grouping performance work: optimizations must not move a single
/// hash (a moved hash splits every existing issue). The expectations are recorded output, not
/// hand-derived; when grouping is changed on purpose, re-record them: with
/// `FAULTLINE_RECORD_PINS=<directory>` each case writes its actual line there.
@Suite struct GroupingPinTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var event: String
        var stackTraceRules = ""
        var fingerprintRules = ""
        var testDescription: String { name }
    }

    /// Project rules exercising every matcher kind, negation, caller/callee and up/down actions.
    static let projectRules = """
        stack.module:requests.* -app
        family:other stack.function:log_* -group
        [ stack.function:outer ] | stack.function:inner +app
        stack.function:dispatch | [ stack.function:handle_* ] ^-group
        stack.abs_path:**/src/**/*.py +app category=mine
        !app:yes stack.module:app.* v+group
        category:mine stack.function:"?ai[n-p]*" +group
        error.type:Timeout* stack.function:wait -group
        error.value:"*REFUSED*" stack.module:net.* +app
        error.mechanism:generic stack.package:"**/libfoo[0-9].so" +app
        family:native,javascript stack.function:tick* -group
        app:no stack.module:vendor_lib -app
        """

    static let fingerprintRules = """
        error.type:DatabaseUnavailable -> system-down
        message:"*connection refused*" -> connection-refused, {{ level }} title="Refused ({{ level }})"
        stack.function:handle_* !app:no -> {{ default }}, handlers
        """

    static let cases: [Case] = [
        Case(name: "python-sdk-bench", event: """
            {"platform":"python","level":"error","exception":{"values":[{"mechanism":{"type":"generic","handled":true},"module":null,
             "type":"ConnectionError","value":"upstream refused connection while fetching /api/cart","stacktrace":{"frames":[
              {"filename":"make_envelope.py","abs_path":"/work/main/bench/make_envelope.py","function":"main","module":"__main__","lineno":44,
               "context_line":"            nested(2, \\"/api/cart\\")","vars":{"crumbs":"4"},"in_app":true},
              {"filename":"make_envelope.py","abs_path":"/work/main/bench/make_envelope.py","function":"nested","module":"__main__","lineno":26,
               "context_line":"    return nested(depth - 1, payload)","in_app":true},
              {"filename":"make_envelope.py","abs_path":"/work/main/bench/make_envelope.py","function":"nested","module":"__main__","lineno":26,
               "context_line":"    return nested(depth - 1, payload)","in_app":true},
              {"filename":"make_envelope.py","abs_path":"/work/main/bench/make_envelope.py","function":"nested","module":"__main__","lineno":25,
               "context_line":"        raise ConnectionError(f\\"upstream refused connection while fetching {payload}\\")","in_app":true}]}}]},
             "user":{"id":"42","email":"jane@example.com"},"tags":{"region":"eu-west-1"},"release":"shop@2.4.1"}
            """),
        Case(name: "python-libraries", event: """
            {"platform":"python","exception":{"values":[{"type":"ValueError","value":"user bob@example.com id 42 at 2024-01-02T03:04:05Z from 10.1.2.3 took 250ms\\nsecond 0xdeadbeef\\nthird",
             "stacktrace":{"frames":[
              {"module":"runpy","function":"_run_code","abs_path":"/usr/lib/python3.11/runpy.py","context_line":"exec(code, run_globals)"},
              {"module":"django.core.handlers","function":"inner","abs_path":"/srv/venv/lib/python3.11/site-packages/django/core/handlers/exception.py","in_app":true},
              {"module":"requests.api","function":"get","abs_path":"C:\\\\Python\\\\Lib\\\\dist-packages\\\\requests\\\\api.py"},
              {"module":"app.views","function":"index","filename":"app/views.py","abs_path":"/srv/app/views.py","context_line":"  raise   ValueError(x)  "},
              {"module":"app.views","function":"index","filename":"app/views.py","abs_path":"/srv/app/views.py","context_line":"  raise   ValueError(x)  "}]}}]}}
            """),
        Case(name: "python-project-rules", event: """
            {"platform":"python","exception":{"values":[{"type":"TimeoutError","value":"CONNECTION REFUSED by 192.168.0.1","mechanism":{"type":"generic"},
             "stacktrace":{"frames":[
              {"module":"app","function":"outer","in_app":false},
              {"module":"app","function":"inner"},
              {"module":"requests.api","function":"get","in_app":true},
              {"module":"app.core","function":"dispatch","in_app":true},
              {"module":"app.core","function":"handle_request","in_app":false},
              {"module":"net.client","function":"wait","abs_path":"/home/u/src/pkg/net/client.py"},
              {"module":"app.main","function":"main_loop","abs_path":"/home/u/src/pkg/app/main.py"},
              {"module":"vendor_lib","function":"x","in_app":false,"package":"/opt/lib/libfoo3.so"},
              {"module":"app","function":"log_it","in_app":true}]}}]}}
            """, stackTraceRules: projectRules),
        Case(name: "javascript-browser", event: """
            {"platform":"javascript","exception":{"values":[{"type":"TypeError","value":"Cannot read properties of undefined (reading 'x') at https://shop.example.com/cart?id=7",
             "stacktrace":{"frames":[
              {"abs_path":"https://unpkg.com/react@18/umd/react.js","function":"Object.render","filename":"/react@18/umd/react.js"},
              {"abs_path":"https://cdn.jsdelivr.net/npm/x.js","function":"<anonymous>"},
              {"abs_path":"webpack:///./node_modules/@babel/runtime/regenerator.js","module":"@babel/runtime/regenerator","function":"tryCatch","in_app":true},
              {"abs_path":"webpack:///./node_modules/core-js/modules/x.js","module":"core-js/modules/x","function":"wrap"},
              {"abs_path":"https://shop.example.com/static/app.js","filename":"/static/app.js","function":"CartView.handleClick","module":"static/app",
               "context_line":"    const total = cart.items.reduce(sum, 0);","data":{"sourcemap":"https://shop.example.com/static/app.js.map"},"in_app":true},
              {"abs_path":"https://shop.example.com/static/app.js","function":"reportError","in_app":true},
              {"abs_path":"https://shop.example.com/static/app.js","function":"eval","in_app":true},
              {"abs_path":"[native code]","function":"Array.forEach"},
              {"abs_path":"https://shop.example.com/static/app.js","function":"tickHandler","in_app":true},
              {"abs_path":"https://shop.example.com/static/vendor.js","function":"?","in_app":true}]}}]}}
            """, stackTraceRules: projectRules),
        Case(name: "javascript-single-url-frame", event: """
            {"platform":"javascript","exception":{"values":[{"type":"Error","value":"Script error.",
             "stacktrace":{"frames":[{"abs_path":"https://example.com/a.js","lineno":1,"colno":2}]}}]}}
            """),
        Case(name: "node", event: """
            {"platform":"node","exception":{"values":[{"type":"Error","value":"ECONNREFUSED 127.0.0.1:5432",
             "stacktrace":{"frames":[
              {"filename":"node:internal/process/task_queues","function":"processTicksAndRejections","module":"task_queues"},
              {"filename":"/app/node_modules/pg/lib/client.js","abs_path":"/app/node_modules/pg/lib/client.js","function":"Client._handleErrorEvent","module":"pg.lib:client","in_app":true},
              {"filename":"/app/src/db.js","abs_path":"/app/src/db.js","function":"connect","module":"src:db","context_line":"  await client.connect()"},
              {"filename":"/app/src/index.js","abs_path":"/app/src/index.js","function":"runMicrotasks"}]}}]}}
            """),
        Case(name: "java", event: """
            {"platform":"java","exception":{"values":[
             {"type":"SQLException","value":"Connection to db-7.internal:5432 refused","module":"java.sql",
              "stacktrace":{"frames":[
               {"module":"java.lang.Thread","function":"run","filename":"Thread.java"},
               {"module":"org.springframework.web.servlet.FrameworkServlet","function":"service","filename":"FrameworkServlet.java","in_app":true},
               {"module":"com.acme.Billing$$EnhancerBySpringCGLIB$$a1b2c3d4","function":"charge","filename":"Billing.java"},
               {"module":"com.acme.Billing$$FastClassBySpringCGLIB$$deadbeef_2","function":"invoke"},
               {"module":"sun.reflect.GeneratedMethodAccessor42","function":"invoke"},
               {"module":"com.acme.Repo$$Lambda$40/1673859467","function":"lambda$find$0","filename":"Repo$$_javassist_seam_12.java"},
               {"module":"com.acme.Repo","function":"find","filename":"Repo.java","in_app":true},
               {"module":"io.sentry.SentryClient","function":"captureEvent","in_app":true}]}},
             {"type":"IllegalStateException","value":"wrapped","module":"java.lang",
              "stacktrace":{"frames":[{"module":"com.acme.Api","function":"call","filename":"Api.java","in_app":true}]}}]}}
            """),
        Case(name: "native-cpp-rust", event: """
            {"platform":"native","exception":{"values":[{"type":"SIGABRT","value":"Abort trap","mechanism":{"type":"signalhandler","synthetic":false},
             "stacktrace":{"frames":[
              {"function":"_start","package":"/usr/lib/libc.so.6"},
              {"function":"main","package":"/Users/dev/MyApp.app/Contents/MacOS/MyApp"},
              {"function":"void std::vector<int, std::allocator<int>>::push_back(int const&)","package":"/usr/lib/libstdc++.so"},
              {"function":"Foo::bar(int) const::{lambda(int)#2}::operator()(int) const","package":"/opt/app/bin/app","in_app":true},
              {"function":"(anonymous namespace)::Widget::operator<<(std::ostream&)","package":"/opt/app/bin/app","in_app":true},
              {"function":"std::panicking::begin_panic<&str>","package":"/opt/app/bin/app"},
              {"function":"core::panicking::panic_fmt","package":"/opt/app/bin/app"},
              {"function":"__rust_start_panic","package":"/opt/app/bin/app"},
              {"function":"app::handler::{{closure}}","raw_function":"_ZN3app7handler28_$u7b$$u7b$closure$u7d$$u7d$17h","package":"/opt/app/bin/app"},
              {"function":"__cxa_throw","package":"/usr/lib/libc++abi.dylib"},
              {"function":"<redacted>","package":"/System/Library/Frameworks/Foundation.framework/Foundation"},
              {"function":"abort","package":"C:\\\\Windows\\\\System32\\\\ucrtbase.dll","platform":"native"}]}}]}}
            """, stackTraceRules: projectRules),
        Case(name: "cocoa-ns-error", event: """
            {"platform":"cocoa","exception":{"values":[{"type":"NSError","value":"Error Domain=NSURLErrorDomain Code=-1009 \\"offline\\"",
             "mechanism":{"type":"NSError","meta":{"ns_error":{"code":-1009,"domain":"NSURLErrorDomain"}}},
             "stacktrace":{"frames":[
              {"function":"-[SentryClient captureError:]","package":"/private/var/containers/Bundle/Application/ABC/App.app/Frameworks/Sentry.framework/Sentry"},
              {"function":"sentrycrashcm_handleException","package":"/var/containers/Bundle/Application/ABC/App.app/App"},
              {"function":"-[ViewController load:]","package":"/var/containers/Bundle/Application/ABC/App.app/App"},
              {"function":"swift_once","package":"/var/containers/Bundle/Application/ABC/App.app/Frameworks/libswiftCore.dylib"},
              {"function":"_mh_execute_header","package":"/var/containers/Bundle/Application/ABC/App.app/App"}]}}]}}
            """),
        Case(name: "cocoa-threads", event: """
            {"platform":"cocoa","threads":{"values":[
              {"id":1,"stacktrace":{"frames":[{"function":"idle","in_app":true}]}},
              {"id":2,"crashed":true,"stacktrace":{"frames":[
                {"function":"kscrash_monitor","package":"/var/containers/Bundle/Application/X/App.app/App"},
                {"function":"-[Foo bar:]","package":"/var/containers/Bundle/Application/X/App.app/App"}]}}]}}
            """),
        Case(name: "go", event: """
            {"platform":"go","exception":{"values":[{"type":"*errors.errorString","value":"dial tcp 10.0.0.5:443: i/o timeout",
             "stacktrace":{"frames":[
              {"module":"runtime","function":"goexit","abs_path":"/usr/local/go/src/runtime/asm_amd64.s"},
              {"module":"net/http","function":"(*conn).serve","abs_path":"/usr/local/go/src/net/http/server.go"},
              {"module":"github.com/acme/api","function":"Handler.ServeHTTP","abs_path":"/root/go/pkg/mod/github.com/acme/api@v1.2.3/handler.go"},
              {"module":"main","function":"main","abs_path":"/src/main.go","in_app":true}]}}]}}
            """),
        Case(name: "ruby-php-csharp-frames", event: """
            {"platform":"ruby","exception":{"values":[{"type":"NoMethodError","value":"undefined method `x' for nil:NilClass",
             "stacktrace":{"frames":[
              {"function":"block (2 levels) in call","module":"Rack","abs_path":"/gems/rack-2.2/lib/rack/builder.rb"},
              {"function":"_app_views_cart_show_html_erb__1234567_8901234","filename":"app/views/cart/show.html.erb","in_app":true,
               "context_line":"<%= @cart.x %>"},
              {"function":"class@anonymous/in/x.php:3$0::handle","platform":"php","filename":"x.php","in_app":true},
              {"function":"[Anonymous function]","platform":"php","filename":"y.php","in_app":true},
              {"function":"Program.Main(string[] args)","raw_function":"Program.Main(System.String[] args)","platform":"csharp","module":"System.Private.CoreLib","in_app":true}]}}]}}
            """),
        Case(name: "message-logentry", event: """
            {"platform":"python","logger":"app.db","logentry":{"message":"query %s took %dms","formatted":"query SELECT 1 took 17ms","params":["SELECT 1",17]}}
            """),
        Case(name: "message-parameters", event: """
            {"platform":"other","message":"Failed for 550e8400-e29b-41d4-a716-446655440000 sha 356a192b7913b04c54574d18c28d46e6395428ab at Tue, 3 Jan 2023 10:00:00 GMT ip fe80::1%eth0 hash d41d8cd98f00b204e9800998ecf8427e on db1.example.com x=3.14 y=-7 key='abc' flag=true see https://x.io/a?b=1\\n\\n  second line\\nthird line"}
            """),
        Case(name: "message-plain", event: #"{"message":"nothing to replace here, just words"}"#),
        Case(name: "message-connection-refused", event: #"{"level":"warning","message":"Upstream: Connection Refused by peer"}"#,
             fingerprintRules: fingerprintRules),
        Case(name: "fingerprint-default-extended", event: """
            {"platform":"python","transaction":"/api/x","exception":{"values":[{"type":"KeyError","value":"k",
             "stacktrace":{"frames":[{"module":"a","function":"handle_job","in_app":true}]}}]},
             "fingerprint":["{{ default }}","{{ transaction }}","{{ error.type }}","{{ function }}","{{ tags.missing }}"]}
            """, fingerprintRules: fingerprintRules),
        Case(name: "fingerprint-rule-replaces", event: #"{"exception":{"values":[{"type":"DatabaseUnavailable","value":"x 1"}]}}"#,
             fingerprintRules: fingerprintRules),
        Case(name: "exception-without-frames", event: #"{"exception":{"values":[{"type":"Timeout","value":"after 31ms on id 42 for 0.5s"}]}}"#),
        Case(name: "exception-synthetic", event: """
            {"platform":"native","exception":{"values":[{"type":"0x0000000b","value":"SIGSEGV","mechanism":{"type":"signal","synthetic":true},
             "stacktrace":{"frames":[{"function":"crash_here","package":"/opt/app","in_app":true}]}}]}}
            """),
        Case(name: "top-level-stacktrace", event: """
            {"platform":"python","message":"hello 5","stacktrace":{"frames":[
              {"module":"a","function":"f","in_app":true},{"module":"a","function":"f","in_app":true},null,
              {"module":"b","function":"g","filename":"b.py","context_line":"x = 1"}]}}
            """),
        Case(name: "no-frames-no-message", event: #"{"platform":"python"}"#),
    ]

    /// Everything grouping derives, in one comparable line; the variant trees as a digest.
    static func summary(_ result: GroupingResult) -> String {
        let variants = result.variants.map { variant in
            ([variant.name, variant.hash ?? "-"] + (variant.component?.rendered() ?? [])
                + (variant.fingerprint ?? [])).joined(separator: "\n")
        }.joined(separator: "\n")
        return "hashes=\(result.hashes.joined(separator: ",")) title=\(result.title) culprit=\(result.culprit) "
            + "type=\(result.type) meta=\(Grouper.hash([result.metadataType ?? "-", "/", result.metadataValue ?? "-"])) "
            + "variants=\(Grouper.hash([variants]))"
    }

    static func config(_ pin: Case) throws -> GroupingConfig {
        GroupingConfig(fingerprintRules: try FingerprintRules.parse(pin.fingerprintRules),
                       stackTraceRules: try StackTraceRules.parse(pin.stackTraceRules))
    }

    static func record(_ actual: String, _ kind: String, _ pin: Case) {
        guard let directory = ProcessInfo.processInfo.environment["FAULTLINE_RECORD_PINS"] else { return }
        try? actual.write(toFile: "\(directory)/\(kind).\(pin.name)", atomically: true, encoding: .utf8)
    }

    @Test(arguments: cases)
    func groupingIsUnchanged(_ pin: Case) throws {
        let result = Grouper.group(try SentryEvent.parse(Array(pin.event.utf8)), config: try Self.config(pin))
        let actual = Self.summary(result)
        Self.record(actual, "grouping", pin)
        #expect(actual == Self.expectedGrouping[pin.name])
    }

    @Test(arguments: cases)
    func normalizedPayloadIsUnchanged(_ pin: Case) throws {
        let message = IngestMessage(metadata: .init(type: "event", eventID: "0123456789abcdef0123456789abcdef", projectID: 5,
                                                    keyID: 1, received: 1_700_000_000, clientIP: "192.0.2.1",
                                                    sdk: "sentry.python/2", sentAt: nil),
                                    payload: Array(pin.event.utf8))
        let event = try EventPipeline.process(message, grouping: try Self.config(pin))
        let actual = "\(Self.summary(event.grouping)) payload=\(Grouper.hash([event.payload]))"
        Self.record(actual, "normalized", pin)
        #expect(actual == Self.expectedNormalized[pin.name])
    }

    static let expectedGrouping: [String: String] = [
        "python-sdk-bench":
            "hashes=85a44ce452d0b69fabd4ec3ddcdacad8,85a44ce452d0b69fabd4ec3ddcdacad8 title=ConnectionError: upstream refused connection while fetching /api/cart culprit=__main__ in nested type=error meta=044a63519a57a369c0d2585459734814 variants=723dac7f21cc361245c46e6fb4078f3c",
        "python-libraries":
            "hashes=31f33f61d992be8a1268d4140b9f1ec0 title=ValueError: user bob@example.com id 42 at 2024-01-02T03:04:05Z from 10.1.2.3 took 250ms culprit=app.views in index type=error meta=7adec33266bb2502c87d1721ec2c7d0b variants=53949d9eab3ff99c82f716fd36b05fc6",
        "python-project-rules":
            "hashes=a07a2e0c09ce2935f75ab579e367a70d,d78d7abc96e71116ad40680cf36ea5fb title=TimeoutError: CONNECTION REFUSED by 192.168.0.1 culprit=app in log_it type=error meta=c2af2c7dc932faa3338c17c5ce09a09f variants=a9af7b3adf02285dc5c22410487197e2",
        "javascript-browser":
            "hashes=03f49246e5e6f8ac4e99228eaafae0b9,46ab01069ff5f3bca78346837617f20b title=TypeError: Cannot read properties of undefined (reading 'x') at https://shop.example.com/cart?id=7 culprit=CartView.handleClick(static/app) type=error meta=6e5fd32f55b443a10fc2552dbf99e913 variants=177124e4e3ebee1b535ad44db6f9846f",
        "javascript-single-url-frame":
            "hashes=88181fce447b46bde0c2c547ccd08e3e,88181fce447b46bde0c2c547ccd08e3e title=Error: Script error. culprit= type=error meta=5ffacb2edb718ab009294ab49a68414a variants=25d237ee3f59a612b8d381ca7701c1f4",
        "node":
            "hashes=61aa907ed8289b94af1abf742bef025e title=Error: ECONNREFUSED 127.0.0.1:5432 culprit=runMicrotasks(/app/src/index.js) type=error meta=e114f1e53cf4e5a79b10c0afdd23751e variants=716ce5a62c346ec51a3eccd4d0241056",
        "java":
            "hashes=e4151d2607d7f681a8ad46eef339ca14,e0390406b28506378f157705add8d710 title=IllegalStateException: wrapped culprit=com.acme.Api in call type=error meta=9421e5d4b9dcfa577162f07ec4525516 variants=c6aa1abdb17083e41d8bf81bf065e6fa",
        "native-cpp-rust":
            "hashes=954fa4f6c38a24dbcb1e35ab42c0425a,61829109c57eb2b950ca29e50432f74c title=SIGABRT: Abort trap culprit=(anonymous namespace)::Widget::operator<< type=error meta=32785d5a3f468e1039fd032aa9b3c0f4 variants=7961399cec1ba234a06b558a8e5a2792",
        "cocoa-ns-error":
            "hashes=ea2b0ae40969dbf199ca813bc41bcc29,41031bf22ecbe4efcf86f3e235ed9be0 title=NSError: Error Domain=NSURLErrorDomain Code=-1009 \"offline\" culprit=-[ViewController load:] type=error meta=34235995a748518497eb232f3b1d8459 variants=4952a698c4d466f707cd51d7dd957a29",
        "cocoa-threads":
            "hashes=31a62268103979b498b90478c664681a,31a62268103979b498b90478c664681a title=<unlabeled event> culprit= type=default meta=81cfe9f4c9916071c9b00641bdae7122 variants=b7e70c8f318ed7aaecc1d3b8d87a1575",
        "go":
            "hashes=1d351d0889df04bdb8da028c0e76edf7,38ffbe1351ba9627dd48679226263fb8 title=*errors.errorString: dial tcp 10.0.0.5:443: i/o timeout culprit=main in main type=error meta=0af07580b63dff1ac7228dc091f9774b variants=7e2484dc0fe80db7498bf4e19f051328",
        "ruby-php-csharp-frames":
            "hashes=3e75374f6194c78901dfd4103199170f,4c4eb153e92895cc578858fd6e71570f title=NoMethodError: undefined method `x' for nil:NilClass culprit=System.Private.CoreLib in Program.Main(string[] args) type=error meta=311708b23aba2a7dc9c93642e9875c6a variants=32f03740c1a8d315437651336cd6ef51",
        "message-logentry":
            "hashes=d483f53bf073144ac7c4f507213414e2 title=query SELECT 1 took 17ms culprit= type=default meta=8064526ff93bb2871208e5a6afaaf494 variants=6c8aaa7ac082a8efb6abfd7bebb17dd5",
        "message-parameters":
            "hashes=0e4b30f764e3a726dac268dba5eec70f title=Failed for 550e8400-e29b-41d4-a716-446655440000 sha 356a192b7913b04c54574d18c28d46e6395428ab at T... culprit= type=default meta=8c5dfefce9e0719fa36bed21e4935be4 variants=a2261a272a325f15fb3b43e6aae0b809",
        "message-plain":
            "hashes=bb54a1dc6d6a7201cc34c5e181e2de71 title=nothing to replace here, just words culprit= type=default meta=5155606da7a2969c8d68f8df44ce6ddc variants=4096e367a28af6d902dc09eebd2d1107",
        "message-connection-refused":
            "hashes=7fdc4dd1ff81a2a07b70007cede59578 title=Refused (warning) culprit= type=default meta=e43f39a3b9c1dd426cafc73cdbc4dfe7 variants=6db8f9267a0b0d7bfe16479138d95907",
        "fingerprint-default-extended":
            "hashes=2597f80c4e7d47f618cd78eecf03e0c6,2597f80c4e7d47f618cd78eecf03e0c6 title=KeyError: k culprit=/api/x type=error meta=96d2afe65114ca85b621f005810410e8 variants=4a21550b7984020b3fb51f283b985074",
        "fingerprint-rule-replaces":
            "hashes=b37b5791a7288c90490674d35693d8de title=DatabaseUnavailable: x 1 culprit= type=error meta=674f0dfc534aa0c26183810f0716f5cf variants=ebe76b21fcdec96e9728bc989c013b7c",
        "exception-without-frames":
            "hashes=f5725ef2aed7e053b2a51e8abb9c440a title=Timeout: after 31ms on id 42 for 0.5s culprit= type=error meta=0396c7aba2a3b830dcd5d4cbca117624 variants=6fb752dd5fe533606d93e110fbfabc22",
        "exception-synthetic":
            "hashes=d892d6a100567613fcad162856b12b2a,d892d6a100567613fcad162856b12b2a title=crash_here culprit= type=error meta=81b3c6e0e6b5e0ac9fbee13406f80d26 variants=b18da627313bf0d6114a724e6e4562c0",
        "top-level-stacktrace":
            "hashes=f0357a3f154bc2ffe2bff55055457068,a7ef7d2bee811121111bd6fe86e57709 title=hello 5 culprit=a in f type=default meta=eca603819a14b75c079942a3962bf451 variants=b2e8a2aa4c87bb78f24316999ae6300a",
        "no-frames-no-message":
            "hashes=d41d8cd98f00b204e9800998ecf8427e title=<unlabeled event> culprit= type=default meta=81cfe9f4c9916071c9b00641bdae7122 variants=29f19ca5b3b2eecab159a277c2626629",
    ]

    static let expectedNormalized: [String: String] = [
        "python-sdk-bench":
            "hashes=85a44ce452d0b69fabd4ec3ddcdacad8,85a44ce452d0b69fabd4ec3ddcdacad8 title=ConnectionError: upstream refused connection while fetching /api/cart culprit=__main__ in nested type=error meta=044a63519a57a369c0d2585459734814 variants=723dac7f21cc361245c46e6fb4078f3c payload=dd11f3c81c270b4b50c6db22c1b43177",
        "python-libraries":
            "hashes=31f33f61d992be8a1268d4140b9f1ec0 title=ValueError: user bob@example.com id 42 at 2024-01-02T03:04:05Z from 10.1.2.3 took 250ms culprit=app.views in index type=error meta=7adec33266bb2502c87d1721ec2c7d0b variants=53949d9eab3ff99c82f716fd36b05fc6 payload=b284983764d232586b2c98d158fcc091",
        "python-project-rules":
            "hashes=a07a2e0c09ce2935f75ab579e367a70d,d78d7abc96e71116ad40680cf36ea5fb title=TimeoutError: CONNECTION REFUSED by 192.168.0.1 culprit=app in log_it type=error meta=c2af2c7dc932faa3338c17c5ce09a09f variants=a9af7b3adf02285dc5c22410487197e2 payload=7a416e2a306e2045fe91084ff1e0d9b9",
        "javascript-browser":
            "hashes=03f49246e5e6f8ac4e99228eaafae0b9,46ab01069ff5f3bca78346837617f20b title=TypeError: Cannot read properties of undefined (reading 'x') at https://shop.example.com/cart?id=7 culprit=CartView.handleClick(static/app) type=error meta=6e5fd32f55b443a10fc2552dbf99e913 variants=177124e4e3ebee1b535ad44db6f9846f payload=55c5865f81014345a9804836c9763839",
        "javascript-single-url-frame":
            "hashes=88181fce447b46bde0c2c547ccd08e3e,88181fce447b46bde0c2c547ccd08e3e title=Error: Script error. culprit= type=error meta=5ffacb2edb718ab009294ab49a68414a variants=25d237ee3f59a612b8d381ca7701c1f4 payload=e802414bd2c973485c670b702c066084",
        "node":
            "hashes=61aa907ed8289b94af1abf742bef025e title=Error: ECONNREFUSED 127.0.0.1:5432 culprit=runMicrotasks(/app/src/index.js) type=error meta=e114f1e53cf4e5a79b10c0afdd23751e variants=716ce5a62c346ec51a3eccd4d0241056 payload=abd97fd6e5a094adc644c829ad5eb3b9",
        "java":
            "hashes=e4151d2607d7f681a8ad46eef339ca14,e0390406b28506378f157705add8d710 title=IllegalStateException: wrapped culprit=com.acme.Api in call type=error meta=9421e5d4b9dcfa577162f07ec4525516 variants=c6aa1abdb17083e41d8bf81bf065e6fa payload=41eb377b534c7be85432cdee2d2309d5",
        "native-cpp-rust":
            "hashes=954fa4f6c38a24dbcb1e35ab42c0425a,61829109c57eb2b950ca29e50432f74c title=SIGABRT: Abort trap culprit=(anonymous namespace)::Widget::operator<< type=error meta=32785d5a3f468e1039fd032aa9b3c0f4 variants=7961399cec1ba234a06b558a8e5a2792 payload=6f55e9c95ddf0ac9a617afc4b7031455",
        "cocoa-ns-error":
            "hashes=ea2b0ae40969dbf199ca813bc41bcc29,41031bf22ecbe4efcf86f3e235ed9be0 title=NSError: Error Domain=NSURLErrorDomain Code=-1009 \"offline\" culprit=-[ViewController load:] type=error meta=34235995a748518497eb232f3b1d8459 variants=4952a698c4d466f707cd51d7dd957a29 payload=bd805229288ca268cd290a8dde04e8ae",
        "cocoa-threads":
            "hashes=31a62268103979b498b90478c664681a,31a62268103979b498b90478c664681a title=<unlabeled event> culprit= type=default meta=81cfe9f4c9916071c9b00641bdae7122 variants=b7e70c8f318ed7aaecc1d3b8d87a1575 payload=f60c7aa9fa882823d6c581dbe7c76fab",
        "go":
            "hashes=1d351d0889df04bdb8da028c0e76edf7,38ffbe1351ba9627dd48679226263fb8 title=*errors.errorString: dial tcp 10.0.0.5:443: i/o timeout culprit=main in main type=error meta=0af07580b63dff1ac7228dc091f9774b variants=7e2484dc0fe80db7498bf4e19f051328 payload=679c3c1b70da5bd45224d3cbc025a6eb",
        "ruby-php-csharp-frames":
            "hashes=3e75374f6194c78901dfd4103199170f,4c4eb153e92895cc578858fd6e71570f title=NoMethodError: undefined method `x' for nil:NilClass culprit=System.Private.CoreLib in Program.Main(string[] args) type=error meta=311708b23aba2a7dc9c93642e9875c6a variants=32f03740c1a8d315437651336cd6ef51 payload=1b8a7ada3c9032c4153370449887a07e",
        "message-logentry":
            "hashes=d483f53bf073144ac7c4f507213414e2 title=query SELECT 1 took 17ms culprit= type=default meta=8064526ff93bb2871208e5a6afaaf494 variants=6c8aaa7ac082a8efb6abfd7bebb17dd5 payload=c00b473b5931a20c1e83d2deebde6b21",
        "message-parameters":
            "hashes=0e4b30f764e3a726dac268dba5eec70f title=Failed for 550e8400-e29b-41d4-a716-446655440000 sha 356a192b7913b04c54574d18c28d46e6395428ab at T... culprit= type=default meta=8c5dfefce9e0719fa36bed21e4935be4 variants=a2261a272a325f15fb3b43e6aae0b809 payload=a1616424b0eca351d8699453c2b6026f",
        "message-plain":
            "hashes=bb54a1dc6d6a7201cc34c5e181e2de71 title=nothing to replace here, just words culprit= type=default meta=5155606da7a2969c8d68f8df44ce6ddc variants=4096e367a28af6d902dc09eebd2d1107 payload=3b4a3af06e1d1bc509eb24c72f6f61e4",
        "message-connection-refused":
            "hashes=7fdc4dd1ff81a2a07b70007cede59578 title=Refused (warning) culprit= type=default meta=e43f39a3b9c1dd426cafc73cdbc4dfe7 variants=6db8f9267a0b0d7bfe16479138d95907 payload=e0d63c4d4ec1300e7c210a78677f3253",
        "fingerprint-default-extended":
            "hashes=2597f80c4e7d47f618cd78eecf03e0c6,2597f80c4e7d47f618cd78eecf03e0c6 title=KeyError: k culprit=/api/x type=error meta=96d2afe65114ca85b621f005810410e8 variants=4a21550b7984020b3fb51f283b985074 payload=c45eeb0e70753954b9de0f1308c8fd24",
        "fingerprint-rule-replaces":
            "hashes=b37b5791a7288c90490674d35693d8de title=DatabaseUnavailable: x 1 culprit= type=error meta=674f0dfc534aa0c26183810f0716f5cf variants=ebe76b21fcdec96e9728bc989c013b7c payload=b7e9c02cd376115fea522e1098df9b30",
        "exception-without-frames":
            "hashes=f5725ef2aed7e053b2a51e8abb9c440a title=Timeout: after 31ms on id 42 for 0.5s culprit= type=error meta=0396c7aba2a3b830dcd5d4cbca117624 variants=6fb752dd5fe533606d93e110fbfabc22 payload=f8c85b42c891d9d5afd696c164d1900d",
        "exception-synthetic":
            "hashes=d892d6a100567613fcad162856b12b2a,d892d6a100567613fcad162856b12b2a title=crash_here culprit= type=error meta=81b3c6e0e6b5e0ac9fbee13406f80d26 variants=b18da627313bf0d6114a724e6e4562c0 payload=2c68e821caab83862fc38068194de766",
        "top-level-stacktrace":
            "hashes=f0357a3f154bc2ffe2bff55055457068,a7ef7d2bee811121111bd6fe86e57709 title=hello 5 culprit=a in f type=default meta=eca603819a14b75c079942a3962bf451 variants=b2e8a2aa4c87bb78f24316999ae6300a payload=bf9f906b9485b6c5ed7e0752cbd5ef85",
        "no-frames-no-message":
            "hashes=d41d8cd98f00b204e9800998ecf8427e title=<unlabeled event> culprit= type=default meta=81cfe9f4c9916071c9b00641bdae7122 variants=29f19ca5b3b2eecab159a277c2626629 payload=5bdc279773046d4a67a7086a584ec111",
    ]
}
