// libFuzzer target: the processor's whole step over one event payload, as a worker runs it
// (Sources/Processor/Stages, `EventPipeline`): parse, normalize and clean up, scrub, apply in-app
// defaults and stack trace rules, group (title, culprit, hashes), then re-encode for storage.
// With project rules that exercise the globs and matchers, and IP scrubbing on. Checks: no trap,
// no hang (-timeout), the stored payload parses back as a JSON object, and there is a hash.

import EventModel
import Grouping
import Scrubbing

let scrubbing = ScrubbingSettings(scrubData: true, scrubIPAddresses: true, sensitiveFields: ["order_id", "*token*"])
let grouping = GroupingConfig(
    fingerprintRules: try! FingerprintRules.parse("""
        error.type:DatabaseUnavailable -> system-down
        message:"*connection refused*" -> connection-refused, {{ level }} title="Refused ({{ level }})"
        tags.server_name:"web-*" family:python -> {{ default }}, {{ tags.server_name }}
        stack.function:"*handle*" stack.module:"app.**" -> handlers, {{ function }}, {{ module }}
        sdk:sentry.python* logger:"*.db" -> db-{{ logger }}
        """),
    stackTraceRules: try! StackTraceRules.parse("""
        stack.module:requests.* -app
        family:other stack.function:log_* -group
        [ stack.function:outer ] | stack.function:inner +app
        path:**/node_modules/** -app -group
        function:*Handler* ^-group
        error.type:*Error* module:**.internal.** v-group
        """))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcess(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let message = IngestMessage(metadata: .init(type: "event", eventID: nil, projectID: 1, keyID: 1, received: 1_795_316_470.5,
                                                clientIP: "203.0.113.7", sdk: "sentry.python/2.19.0",
                                                sentAt: "2026-11-22T03:00:00.000Z"),
                                payload: bytes)
    guard let processed = try? EventPipeline.process(message, scrubbing: scrubbing, grouping: grouping) else { return 0 }
    guard case .object? = try? JSON.parse(processed.payload) else {
        fatalError("the stored payload does not parse back: \(processed.payload.prefix(500))")
    }
    guard !processed.grouping.hashes.isEmpty else { fatalError("an event without a grouping hash") }
    return 0
}
