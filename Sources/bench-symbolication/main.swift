// Benchmark tool for bench/symbolication.sh: parse time of a source map, lookups/s, and events/s
// through the symbolication stage (warm cache) and through the whole event pipeline, with and
// without it. Prints one line of key=value figures; the script takes medians and runs getsentry's
// `symbolic` on the same inputs beside it.
//   bench-symbolication MAP POSITIONS [SECONDS]
// POSITIONS: one "line column" (1-based, as in frames) per line.
import EventModel
import Foundation
import Processor
import Symbolication

final class OneMapSource: ArtifactSource {
    let map: [UInt8]
    init(_ map: [UInt8]) { self.map = map }
    func artifact(project: Int64, debugID: String, kind: ArtifactKind) -> [UInt8]? { kind == .sourceMap ? map : nil }
    func releaseArtifact(project: Int64, release: String, dist: String?, url: String) -> [UInt8]? { nil }
    func proguardMapping(project: Int64, uuid: String) -> [UInt8]? { nil }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Repeats `body` (one unit of `count` items) for about `budget` seconds; items per second.
func rate(_ budget: Double, count: Int, _ body: () throws -> Void) rethrows -> Double {
    var done = 0, elapsed = 0.0
    while elapsed < budget {
        elapsed += try seconds(body)
        done += count
    }
    return Double(done) / elapsed
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let mapData = FileManager.default.contents(atPath: arguments[1]),
      let positionText = try? String(contentsOfFile: arguments[2], encoding: .utf8) else {
    FileHandle.standardError.write(Data("usage: bench-symbolication MAP POSITIONS [SECONDS]\n".utf8))
    exit(2)
}
let budget = arguments.count > 3 ? Double(arguments[3]) ?? 3 : 3
let mapBytes = Array(mapData)
let positions: [(Int, Int)] = positionText.split(separator: "\n").compactMap { line in
    let parts = line.split(separator: " ")
    guard parts.count == 2, let l = Int(parts[0]), let c = Int(parts[1]) else { return nil }
    return (l, c)
}

// Parse: the fastest of several parses is noise-prone on a shared machine; report the median.
var parseTimes: [Double] = []
var parsed: SourceMap?
for _ in 0..<7 { parseTimes.append(try seconds { parsed = try SourceMapParser.parse(mapBytes) }) }
let map = parsed!
let parseMS = parseTimes.sorted()[parseTimes.count / 2] * 1000

var found = 0
let lookups = rate(budget, count: positions.count) {
    for (line, column) in positions where map.lookup(line: line - 1, column: column - 1) != nil { found += 1 }
}

// Events of 20 frames each, as the JavaScript SDK sends them, all naming one debug ID.
let debugID = "0b3f7c52-8e0a-4f4e-9a44-3c2b1d0e9f11"
let url = "https://example.com/static/bundle.min.js"
func event(_ index: Int) -> JSON {
    let frames: [JSON] = (0..<20).map { k in
        let (line, column) = positions[(index * 20 + k) % positions.count]
        return ["abs_path": .string(url), "filename": .string(url), "function": "a", "lineno": .int(Int64(line)), "colno": .int(Int64(column)), "in_app": true]
    }
    return ["platform": "javascript", "release": "bench@1",
            "exception": ["values": [["type": "Error", "value": .string("boom \(index % 7)"), "stacktrace": ["frames": .array(frames)]]]],
            "debug_meta": ["images": [["type": "sourcemap", "code_file": .string(url), "debug_id": .string(debugID)]]]]
}
let batch = (0..<100).map { index in
    IngestMessage(metadata: .init(type: "event", eventID: String(format: "%032x", index + 1), projectID: 1, keyID: 1, received: 1_700_000_000,
                                  clientIP: nil, sdk: "sentry.javascript.browser/8", sentAt: nil), payload: event(index).encoded())
}
let cache = ArtifactCache(source: OneMapSource(mapBytes))
let symbolicating = EventPipeline.standard(artifacts: cache)
let plain = EventPipeline.standard()
_ = symbolicating.process(batch: batch, symbolicating.prepare(projects: [1]))   // warms the cache

// The stage alone: resolutions prepared once, then each event's frames rewritten.
var context = EventBatchContext()
let stage = SymbolicateStage(cache: cache)
let working = batch.map { message -> WorkingEvent in
    var event = WorkingEvent(message)
    event.json = (try? JSON.parse(message.payload))?.object ?? [:]
    return event
}
stage.prepare(&context, events: working)
let stageRate = try rate(budget, count: working.count) {
    for index in working.indices {
        var event = working[index]
        try stage.run(&event, context)
    }
}
let withStage = rate(budget, count: batch.count) { _ = symbolicating.process(batch: batch, symbolicating.prepare(projects: [1])) }
let without = rate(budget, count: batch.count) { _ = plain.process(batch: batch, plain.prepare(projects: [1])) }

print(String(format: "map_mb=%.1f mappings=%d parse_ms=%.1f lookups_per_s=%.0f stage_events_per_s=%.0f pipeline_events_per_s=%.0f pipeline_without_events_per_s=%.0f found=%d",
             Double(mapBytes.count) / 1e6, map.mappings.count, parseMS, lookups, stageRate, withStage, without, found > 0 ? 1 : 0))
