// Each processing step on 1 MB of adversarial input and on 1 MB of ordinary input, through the
// steps' public entry points; prints the medians of RUNS runs and their ratio, and the growth
// from a quarter of the adversarial input to all of it: about 4 for a linear step, 16 for a
// quadratic one. (The ratio to ordinary text alone can mislead: ordinary text often skips a
// step's work entirely, e.g. the scrubber's pre-scan finds no digit run to check.)
//   bench-adversarial [RUNS=3] [KILOBYTES=1000] [STEP (part of a step's name; all by default)]
import EventModel
import Foundation
import GlobEngine
import Grouping
import Processor
import Quotas
import Scrubbing
import Symbolication

let arguments = CommandLine.arguments
let runs = arguments.count > 1 ? Int(arguments[1]) ?? 3 : 3
let only = arguments.count > 3 ? arguments[3] : nil
let size = (arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000) * 1000

/// A line written at once (print's buffer would hold the table back until exit).
func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

/// `unit` repeated to about `bytes` bytes.
func repeated(_ unit: String) -> (Int) -> String {
    { bytes in String(repeating: unit, count: max(1, bytes / unit.utf8.count)) }
}

/// Ordinary prose of the same size: words, some numbers, punctuation.
let prose = repeated("upstream refused connection while fetching /api/cart for user 42 at 10:31, retrying. ")(size)

func medianMilliseconds(_ body: () -> Void) -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
    }
    return times.sorted()[times.count / 2]
}

struct Step {
    let name: String
    /// The adversarial input of a given size in bytes.
    let adversarial: (Int) -> String
    let run: (String) -> Void
}

func scrub(_ text: String) {
    _ = Scrubber(.default).scrub(["extra": .object(["value": .string(text)])])
}

/// The processor's scrubbing with the default settings (EventScrubber, after issue 14's settings
/// work) — compare with `scrub` (the same defaults through `Scrubber` alone, as before).
func scrubDefaults(_ text: String) {
    var event: [String: JSON] = ["extra": .object(["value": .string(text)])]
    var meta = EventMeta()
    EventScrubber.default.scrub(&event, meta: &meta)
}

/// A project's advanced rule (compiled once, as the processor's settings cache does).
func piiRule(_ config: String, defaults: Bool = false) -> (String) -> Void {
    let scrubber = EventScrubber(ScrubbingSettings(scrubData: defaults, piiConfigs: [config]))
    return { text in
        var event: [String: JSON] = ["extra": .object(["value": .string(text)])]
        var meta = EventMeta()
        scrubber.scrub(&event, meta: &meta)
    }
}

func group(_ json: [String: JSON], _ config: GroupingConfig = .default) {
    _ = Grouper.group(SentryEvent(json: json), config: config)
}

func frameEvent(platform: String, function: String? = nil, path: String? = nil) -> [String: JSON] {
    var frame: [String: JSON] = ["in_app": true]
    if let function { frame["function"] = .string(function) }
    if let path { frame["abs_path"] = .string(path) }
    return ["platform": .string(platform),
            "exception": .object(["values": .array([.object(["type": "E", "stacktrace": .object(["frames": .array([.object(frame)])])])])])]
}

let manyStars = String(repeating: "*newrelic", count: 30) + "*x"
// Rules are parsed once, as the processor does per project.
let customRules = try! GroupingConfig(
    fingerprintRules: FingerprintRules.parse("path:\(manyStars) -> agent"),
    stackTraceRules: StackTraceRules.parse("path:\(manyStars) -app\nfunction:\(manyStars) ^-group"))
let ruleGlob = GlobMatcher(manyStars, syntax: .init(escapes: true, classes: true, pathAware: true))
let filterGlob = GlobPattern(manyStars)

func ingest(_ payload: String) -> IngestMessage {
    IngestMessage(metadata: .init(type: "event", eventID: nil, projectID: 1, keyID: 1, received: Date().timeIntervalSince1970,
                                  clientIP: nil, sdk: nil, sentAt: nil), payload: Array(payload.utf8))
}

func jsonString(_ text: String) -> String { JSON.string(text).encodedString() }

/// What symbolication does per frame with an original source: its context lines and the
/// enclosing function's name, for 250 frames near the source's end (the line index is built once,
/// as when the map is parsed).
func sourceLookups(_ text: String) {
    let source = SourceText(text)
    let line = source.lineCount - 1, length = text.utf16.count
    for frame in 0..<250 {
        _ = SourceContext.around(source, line: line, column: max(0, length - 1 - frame))
        _ = EnclosingFunction.name(in: source, line: line, column: max(0, length - 1 - frame))
    }
}

let steps: [Step] = [
    Step(name: "scrub: card numbers (\"1 1 1 …\")", adversarial: repeated("1 "), run: scrub),
    Step(name: "scrub defaults via EventScrubber: card numbers (\"1 1 1 …\")", adversarial: repeated("1 "), run: scrubDefaults),
    Step(name: "pii regex rule (a|aa)+$ on \"aaa…\"", adversarial: repeated("a"),
         run: piiRule(#"{"rules":{"r":{"type":"pattern","pattern":"(a|aa)+$"}},"applications":{"$string":["r"]}}"#)),
    Step(name: "pii regex rule (x+x+)+y on \"xxx…\"", adversarial: repeated("x"),
         run: piiRule(#"{"rules":{"r":{"type":"pattern","pattern":"(x+x+)+y"}},"applications":{"$string":["r"]}}"#)),
    Step(name: "pii @email:mask on \"a@a@a@…\"", adversarial: repeated("a@"),
         run: piiRule(#"{"applications":{"$string":["@email:mask"]}}"#)),
    Step(name: "pii @email:mask then @ip:replace on \"a@b.co 10.0.0.1 …\"", adversarial: repeated("a@b.co 10.0.0.1 "),
         run: piiRule(#"{"applications":{"$string":["@email:mask","@ip:replace"]}}"#)),
    Step(name: "pii @ip:replace, then the default scrubbing, on \"1.1.1.1 …\"", adversarial: repeated("1.1.1.1 "),
         run: piiRule(#"{"applications":{"$string":["@ip:replace"]}}"#, defaults: true)),
    Step(name: "pii @common on \"1 1 1 …\"", adversarial: repeated("1 "),
         run: piiRule(#"{"applications":{"$string":["@common"]}}"#)),
    Step(name: "scrub: IBAN-like words", adversarial: repeated("DE89370400440532013001 "), run: scrub),
    Step(name: "scrub: bearer (\"bearer bearer …\")", adversarial: repeated("bearer "), run: scrub),
    Step(name: "glob: rule glob, many * on newrelic×n", adversarial: repeated("newrelic/"),
         run: { text in _ = ruleGlob.matches(ascii: Array(text.utf8)) }),
    Step(name: "glob: inbound filter, many * on newrelic×n", adversarial: repeated("newrelic/"),
         run: { text in _ = filterGlob.matches(text) }),
    Step(name: "built-in stack trace rules (abs_path newrelic×n)", adversarial: repeated("newrelic/"),
         run: { text in group(frameEvent(platform: "python", path: text)) }),
    Step(name: "custom rules, many * (abs_path newrelic×n)", adversarial: repeated("newrelic/"),
         run: { text in group(frameEvent(platform: "python", path: text), customRules) }),
    Step(name: "function-name cleanup (native lambdas)", adversarial: repeated("{lambda(int)#1}"),
         run: { text in group(frameEvent(platform: "native", function: text)) }),
    Step(name: "function-name cleanup (unclosed {lambda)", adversarial: repeated("{lambda"),
         run: { text in group(frameEvent(platform: "native", function: text)) }),
    Step(name: "message parameterize (\"1 1 1 …\")", adversarial: repeated("1 "),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "message parameterize (one long word)", adversarial: repeated("a"),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "message parameterize (\"a.a.a …\")", adversarial: repeated("a."),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "message parameterize (digits)", adversarial: repeated("1"),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "message parameterize (\"datetime.datetime(\" …)", adversarial: repeated("datetime.datetime("),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "message parameterize (\"x-x.x-x …\" labels)", adversarial: repeated("x-x."),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "whole normalize: \"1 1 1 …\" in extra", adversarial: repeated("1 "),
         run: { text in _ = try? EventPipeline.process(ingest("{\"message\":\"m\",\"extra\":{\"v\":\(jsonString(text))}}")) }),
    Step(name: "whole normalize: newrelic×n abs_path, custom rules", adversarial: repeated("newrelic/"),
         run: { text in
             _ = try? EventPipeline.process(
                 ingest("{\"platform\":\"python\",\"exception\":{\"values\":[{\"type\":\"E\",\"stacktrace\":{\"frames\":[{\"abs_path\":\(jsonString(text))}]}}]}}"),
                 grouping: customRules)
         }),
    Step(name: "source context + function name, 250 frames (\"){\\n){\\n…\")", adversarial: repeated("){\n"), run: sourceLookups),
    Step(name: "source context + function name, 250 frames deep in one line", adversarial: repeated("x"), run: sourceLookups),
]

emit("| step | ordinary, \(size / 1000) KB (ms) | adversarial, \(size / 1000) KB (ms) | ratio | adversarial, \(size / 4000) KB (ms) | growth ×4 input |")
emit("|---|---:|---:|---:|---:|---:|")
for step in steps where only.map(step.name.contains) ?? true {
    let ordinary = medianMilliseconds { step.run(prose) }
    let full = step.adversarial(size), quarter = step.adversarial(size / 4)
    let adversarial = medianMilliseconds { step.run(full) }
    let small = medianMilliseconds { step.run(quarter) }
    func figure(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    emit("| \(step.name) | \(figure(ordinary, 1)) | \(figure(adversarial, 1)) | \(figure(adversarial / max(ordinary, 0.001), 2)) | \(figure(small, 1)) | \(figure(adversarial / max(small, 0.001), 2)) |")
}
