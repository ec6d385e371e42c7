/// The stack trace rules every project gets before its own, a selection of the SDK-specific
/// defaults of Sentry's `newstyle:2023-01-11` base (library locations are not in-app, runtime
/// noise does not group). Like Sentry's, they override the SDK's in_app. Sentry's native frame
/// categories (threadbase, system, indirection…) are not included: see docs/GROUPING.md.
enum BuiltInStackTraceRules {
    static let text = """
    # general
    path:**/vendor/** -app
    # python
    path:**/site-packages/** -app
    path:**/dist-packages/** -app
    # javascript and node
    path:**/node_modules/** -app
    module:unpkg/** -app
    path:**https://unpkg.com/** -app
    path:**https://cdnjs.cloudflare.com/** -app
    path:**https://cdn.jsdelivr.net/** -app
    family:javascript function:reportError ^-app -app
    module:@babel/** -app -group
    module:core-js/** -app -group
    module:regenerator-runtime/** -app -group
    module:tslib/** -app -group
    function:runMicrotasks -app -group
    function:queueMicrotask -app -group
    function:processTicksAndRejections -app -group
    function:runNextTicks -app -group
    function:nextTick -app -group
    # go
    path:**/go/pkg/mod/** -app
    # java and kotlin frameworks
    module:io.sentry.* -app -group
    module:akka.* -app
    module:com.fasterxml.* -app
    module:com.microsoft.* -app
    module:com.sun.* -app
    module:feign.* -app
    module:io.opentelemetry.* -app
    module:jdk.* -app
    module:oauth.* -app
    module:org.apache.* -app
    module:org.glassfish.* -app
    module:org.jboss.* -app
    module:org.jdesktop.* -app
    module:org.postgresql.* -app
    module:org.springframework.* -app
    module:org.web3j.* -app
    module:reactor.core.* -app
    module:scala.* -app
    module:sun.* -app
    module:kotlin.* -app
    module:kotlinx.* -app
    module:io.ktor.* -app
    module:io.netty.* -app
    # native: system libraries, rust and C++ runtime borders, crash reporters
    family:native package:/lib/** -app
    family:native package:/usr/lib/** -app
    family:native path:/usr/local/lib/** -app
    family:native path:/usr/local/Cellar/** -app
    family:native package:/var/containers/Bundle/Application/** +app
    family:native package:/private/var/containers/Bundle/Application/** +app
    family:native package:**/Developer/CoreSimulator/Devices/** +app
    family:native package:**/Containers/Bundle/Application/** +app
    family:native package:**.app/Contents/** +app
    family:native package:/Users/** +app
    family:native function:std::* -app
    family:native function:core::* -app
    family:native function:alloc::* -app
    family:native function:__rust_* -app
    family:native function:rust_begin_unwind -app
    family:native function:std::panicking::begin_panic ^-group -group ^-app -app
    family:native function:core::panicking::begin_panic ^-group -group ^-app -app
    family:native function:std::panicking::panic_fmt ^-app -app
    family:native function:core::panicking::panic_fmt ^-app -app
    family:native function:_CxxThrowException ^-group -group ^-app -app
    family:native function:__cxa_throw ^-group -group ^-app -app
    family:native function:__assert_rtn ^-group -group ^-app -app
    family:native function:_NSRaiseError ^-group -group ^-app -app
    family:native function:_mh_execute_header -group -app
    family:native package:**/Frameworks/libswift*.dylib -app
    family:native package:**/Frameworks/Sentry.framework/** -app
    family:native function:kscm_* -app -group
    family:native function:sentrycrashcm_* -app -group
    family:native function:kscrash_* -app -group
    family:native function:*sentrycrash_* -app -group
    family:native function:"?[[]Sentry*" -app -group
    # other telemetry
    module:newrelic -app -group
    path:**/*newrelic*/** -app -group
    """

    // The text above is a constant checked by the tests; it always parses.
    static let rules: StackTraceRules = (try? StackTraceRules.parse(text)) ?? StackTraceRules()
}
