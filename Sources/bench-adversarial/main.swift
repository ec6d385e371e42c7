// Each processing step on 1 MB of adversarial input and on 1 MB of ordinary input, through the
// steps' public entry points; prints the medians of RUNS runs and their ratio. Linear steps
// show a small constant ratio; a rescanning or backtracking step shows hundreds or more.
//   bench-adversarial [RUNS=5] [KILOBYTES=1000]
import EventModel
import Foundation
import GlobEngine
import Grouping
import Processor
import Quotas
import Scrubbing

let arguments = CommandLine.arguments
let runs = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
let size = (arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000) * 1000

/// A line written at once (print's buffer would hold the table back until exit).
func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func repeated(_ unit: String) -> String {
    String(repeating: unit, count: max(1, size / unit.utf8.count))
}

/// Ordinary prose of the same size: words, some numbers, punctuation.
let prose = repeated("upstream refused connection while fetching /api/cart for user 42 at 10:31, retrying. ")

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
    let adversarialInput: String
    let run: (String) -> Void
    var ordinaryInput: String = prose
}

func scrub(_ text: String) {
    _ = Scrubber(.default).scrub(["extra": .object(["value": .string(text)])])
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

let steps: [Step] = [
    Step(name: "scrub: card numbers (\"1 1 1 …\")", adversarialInput: repeated("1 "), run: scrub),
    Step(name: "scrub: IBAN-like words", adversarialInput: repeated("DE89370400440532013001 "), run: scrub),
    Step(name: "scrub: bearer (\"bearer bearer …\")", adversarialInput: repeated("bearer "), run: scrub),
    Step(name: "glob: rule glob, many * on newrelic×n", adversarialInput: repeated("newrelic/"),
         run: { text in _ = ruleGlob.matches(ascii: Array(text.utf8)) }),
    Step(name: "glob: inbound filter, many * on newrelic×n", adversarialInput: repeated("newrelic/"),
         run: { text in _ = filterGlob.matches(text) }),
    Step(name: "built-in stack trace rules (abs_path newrelic×n)", adversarialInput: repeated("newrelic/"),
         run: { text in group(frameEvent(platform: "python", path: text)) }),
    Step(name: "custom rules, many * (abs_path newrelic×n)", adversarialInput: repeated("newrelic/"),
         run: { text in group(frameEvent(platform: "python", path: text), customRules) }),
    Step(name: "function-name cleanup (native lambdas)", adversarialInput: repeated("{lambda(int)#1}"),
         run: { text in group(frameEvent(platform: "native", function: text)) }),
    Step(name: "function-name cleanup (unclosed {lambda)", adversarialInput: repeated("{lambda"),
         run: { text in group(frameEvent(platform: "native", function: text)) }),
    Step(name: "message parameterize (\"1 1 1 …\")", adversarialInput: repeated("1 "),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "message parameterize (one long word)", adversarialInput: repeated("a"),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "message parameterize (\"a.a.a …\")", adversarialInput: repeated("a."),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "message parameterize (digits)", adversarialInput: repeated("1"),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "message parameterize (\"datetime.datetime(\" …)", adversarialInput: repeated("datetime.datetime("),
         run: { text in group(["message": .string(text)]) }),
    Step(name: "whole normalize: \"1 1 1 …\" in extra", adversarialInput: repeated("1 "),
         run: { text in _ = try? EventNormalizer.normalize(ingest("{\"message\":\"m\",\"extra\":{\"v\":\(jsonString(text))}}")) }),
    Step(name: "whole normalize: newrelic×n abs_path, custom rules", adversarialInput: repeated("newrelic/"),
         run: { text in
             _ = try? EventNormalizer.normalize(
                 ingest("{\"platform\":\"python\",\"exception\":{\"values\":[{\"type\":\"E\",\"stacktrace\":{\"frames\":[{\"abs_path\":\(jsonString(text))}]}}]}}"),
                 grouping: customRules)
         }),
]

emit("| step (\(size / 1000) KB inputs) | ordinary (ms) | adversarial (ms) | ratio |")
emit("|---|---:|---:|---:|")
for step in steps {
    let ordinary = medianMilliseconds { step.run(step.ordinaryInput) }
    let adversarial = medianMilliseconds { step.run(step.adversarialInput) }
    func figure(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    emit("| \(step.name) | \(figure(ordinary, 1)) | \(figure(adversarial, 1)) | \(figure(adversarial / max(ordinary, 0.001), 2)) |")
}
