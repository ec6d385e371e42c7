import EventModel
import Foundation
import Testing
@testable import Processor
@testable import Symbolication

/// The symbolication stage over hand-made artifacts: Sentry's errors for what cannot be resolved,
/// passing through without a store, one fetch per artifact, the time bound, and ProGuard's
/// parser and remapper on their own.
@Suite struct SymbolicateStageTests {
    static let minifiedURL = "https://cdn.example.com/assets/app.min.js"

    /// original.js: `function boom() {` / `  throw new Error("x");` / `}`; app.min.js line 1:
    /// `function a(){throw new Error("x")}` with mappings for `a` (name boom) and `throw`.
    static func map(content: Bool = true) -> [UInt8] {
        let mappings = SourceMapTests.mappings([[(0, 0, 0, 0, nil), (9, 0, 0, 9, 0), (13, 0, 1, 2, nil)]])
        return SourceMapTests.map(mappings, sources: ["../src/original.js"], names: ["boom"],
                                  contents: content ? ["function boom() {\n  throw new Error(\"x\");\n}\n"] : nil)
    }

    static func event(colno: Int64 = 14, release: String? = "1.0", debugID: String? = nil, path: String = minifiedURL) -> JSON {
        var event: [String: JSON] = [
            "platform": "javascript",
            "exception": ["values": [["type": "Error", "value": "x", "stacktrace": ["frames": [
                ["abs_path": .string(path), "filename": .string(path), "function": "a", "lineno": 1, "colno": .int(colno)],
            ]]]]],
        ]
        if let release { event["release"] = .string(release) }
        if let debugID { event["debug_meta"] = ["images": [["type": "sourcemap", "code_file": .string(path), "debug_id": .string(debugID)]]] }
        return .object(event)
    }

    static func process(_ events: [JSON], cache: ArtifactCache?) throws -> [JSON] {
        let messages = events.map { event in
            IngestMessage(metadata: .init(type: "event", eventID: nil, projectID: 3, keyID: 1, received: 1_700_000_000,
                                          clientIP: nil, sdk: nil, sentAt: nil), payload: event.encoded())
        }
        let pipeline = EventPipeline.standard(artifacts: cache)
        return try pipeline.process(batch: messages, pipeline.prepare(projects: [3])).map { try JSON.parse(try $0.get().payload) }
    }

    static func frame(_ event: JSON) -> JSON? { event["exception"]?["values"]?.array?.first?["stacktrace"]?["frames"]?.array?.first }
    static func errors(_ event: JSON) -> [JSON] { event["errors"]?.array ?? [] }

    static func releaseSource(map: [UInt8]? = map(), minified: String = "function a(){throw new Error(\"x\")}\n//# sourceMappingURL=app.min.js.map\n") -> InMemoryArtifactSource {
        let source = InMemoryArtifactSource()
        source.addReleaseFile(release: "1.0", url: "~/assets/app.min.js", Array(minified.utf8))
        if let map { source.addReleaseFile(release: "1.0", url: "~/assets/app.min.js.map", map) }
        return source
    }

    @Test func resolvesThroughReleaseFilesWithSentrysFields() throws {
        let event = try Self.process([Self.event()], cache: ArtifactCache(source: Self.releaseSource()))[0]
        let frame = try #require(Self.frame(event))
        #expect(frame["abs_path"]?.string == "https://cdn.example.com/src/original.js")
        #expect(frame["filename"]?.string == "/src/original.js")
        #expect(frame["module"]?.string == "src/original")
        #expect(frame["function"]?.string == "boom")
        #expect(frame["lineno"]?.int == 2 && frame["colno"]?.int == 3)
        #expect(frame["context_line"]?.string == "  throw new Error(\"x\");")
        #expect(frame["pre_context"]?.array == ["function boom() {"])
        #expect(frame["post_context"]?.array == ["}"])
        #expect(frame["data"]?["sourcemap"]?.string == "https://cdn.example.com/assets/app.min.js.map")
        #expect(frame["data"]?["resolved_with"]?.string == "release")
        #expect(Self.errors(event).isEmpty)
        #expect(event["exception"]?["values"]?.array?.first?["raw_stacktrace"]?["frames"]?.array?.first?["function"]?.string == "a")
    }

    @Test func errorsSayWhyInSentrysTerms() throws {
        // Nothing uploaded for the release.
        let none = try Self.process([Self.event()], cache: ArtifactCache(source: InMemoryArtifactSource()))[0]
        #expect(Self.errors(none) == [["type": "js_no_source", "url": .string(Self.minifiedURL)]])
        #expect(Self.frame(none)?["function"]?.string == "a")
        // The file names a map that is not there.
        let noMap = try Self.process([Self.event()], cache: ArtifactCache(source: Self.releaseSource(map: nil)))[0]
        #expect(Self.errors(noMap) == [["type": "js_no_source", "url": "https://cdn.example.com/assets/app.min.js.map"]])
        // The map is not a source map.
        let invalid = try Self.process([Self.event()], cache: ArtifactCache(source: Self.releaseSource(map: Array("{\"x\":".utf8))))[0]
        #expect(Self.errors(invalid) == [["type": "js_invalid_source", "url": "https://cdn.example.com/assets/app.min.js.map"]])
        // The map has no sourcesContent: resolved, without context.
        let noContent = try Self.process([Self.event()], cache: ArtifactCache(source: Self.releaseSource(map: Self.map(content: false))))[0]
        #expect(Self.errors(noContent) == [["type": "js_missing_source_content", "source": "https://cdn.example.com/src/original.js",
                                             "sourcemap": "https://cdn.example.com/assets/app.min.js.map"]])
        #expect(Self.frame(noContent)?["lineno"]?.int == 2 && Self.frame(noContent)?["context_line"] == nil)
        // A position the map does not cover (a mapping without source).
        let emptyMap = SourceMapTests.map("A", sources: [])
        let uncovered = try Self.process([Self.event(colno: 1)], cache: ArtifactCache(source: Self.releaseSource(map: emptyMap)))[0]
        #expect(Self.errors(uncovered) == [["type": "js_invalid_sourcemap_location", "row": 1, "column": 1, "source": .string(Self.minifiedURL)]])
        // No release and no debug ID.
        let unreleased = try Self.process([Self.event(release: nil)], cache: ArtifactCache(source: Self.releaseSource()))[0]
        #expect(Self.errors(unreleased).first?["type"]?.string == "js_no_source")
    }

    @Test func debugIDComesFirstAndEachArtifactIsFetchedOnce() throws {
        let source = Self.releaseSource()
        let id = "85314830-023f-4cf1-a267-535f4e37bb17"
        source.byDebugID[id] = Self.map()
        let cache = ArtifactCache(source: source)
        let events = try Self.process([Self.event(debugID: id.uppercased()), Self.event(debugID: id.uppercased())], cache: cache)
        #expect(events.allSatisfy { Self.frame($0)?["data"]?["resolved_with"]?.string == "debug-id" })
        #expect(source.reads == 1)
        _ = try Self.process([Self.event(debugID: id)], cache: cache)
        #expect(source.reads == 1)
    }

    /// An artifact larger than the whole cache serves the batch that read it, then is remembered
    /// as too large: the next batches neither read nor parse it again (until the marker expires).
    @Test func anArtifactLargerThanTheCacheIsReadOncePerMarker() throws {
        let source = InMemoryArtifactSource()
        let id = "85314830-023f-4cf1-a267-535f4e37bb17"
        source.byDebugID[id] = Self.map()
        // Room for the marker (key + 64 bytes), not for the parsed map.
        let capacity = 160
        #expect(try SourceMapParser.parse(Self.map()).approximateBytes > capacity)
        let cache = ArtifactCache(source: source, capacityBytes: capacity)
        let first = try Self.process([Self.event(release: nil, debugID: id)], cache: cache)
        #expect(Self.frame(first[0])?["data"]?["resolved_with"]?.string == "debug-id")
        for _ in 0..<3 { _ = try Self.process([Self.event(release: nil, debugID: id)], cache: cache) }
        #expect(source.reads == 1)
        #expect(cache.cachedBytes <= capacity)
    }

    @Test func withoutAStoreEventsPassThrough() throws {
        let event = try Self.process([Self.event()], cache: nil)[0]
        #expect(Self.frame(event)?["function"]?.string == "a")
        #expect(Self.frame(event)?["data"] == nil)
        #expect(event["errors"] == nil)
    }

    @Test func anExhaustedTimeBudgetLeavesFramesRaw() throws {
        var context = EventBatchContext()
        let stage = SymbolicateStage(cache: ArtifactCache(source: Self.releaseSource()), timeBudget: .zero)
        var working = WorkingEvent(IngestMessage(metadata: .init(type: "event", eventID: nil, projectID: 3, keyID: 1, received: 0,
                                                                 clientIP: nil, sdk: nil, sentAt: nil), payload: []))
        working.json = try #require(Self.event().object)
        stage.prepare(&context, events: [working])
        try stage.run(&working, context)
        #expect(Self.frame(.object(working.json))?["function"]?.string == "a")
        #expect(Self.errors(.object(working.json)).first?["type"]?.string == "js_fetch_timeout")
    }

    static let mapping = """
    # compiler: R8
    com.example.Main -> a:
    # {"id":"sourceFile","fileName":"Main.kt"}
        int field -> a
        1:1:void helper():10:10 -> a
        1:1:void run():20 -> a
        2:4:void other(int):30:32 -> a
        void noLines() -> b
    com.example.Util -> b:
        5:5:void com.example.Main.inlinedHere():40:40 -> c
        5:5:void util():7 -> c
        5:5:void access$lambda():3 -> c
    # {"id":"com.android.tools.r8.synthesized"}
    broken line without arrow
        also broken -> 
    """

    @Test func proguardParsesAndRemapsWithInlines() {
        let remapper = ProguardRemapper(ProguardMapping.parse(Array(Self.mapping.utf8)))
        #expect(remapper.remapClass("a") == "com.example.Main")
        #expect(remapper.remapClass("zz") == nil)
        #expect(remapper.remap(className: "a", method: "a", line: 1) == [
            .init(className: "com.example.Main", method: "helper", line: 10, sourceFile: "Main.kt"),
            .init(className: "com.example.Main", method: "run", line: 20, sourceFile: "Main.kt"),
        ])
        #expect(remapper.remap(className: "a", method: "a", line: 3) == [.init(className: "com.example.Main", method: "other", line: 31, sourceFile: "Main.kt")])
        #expect(remapper.remap(className: "a", method: "b", line: nil).map(\.method) == ["noLines"])
        // Inlined from another class: that class's name and source file; the synthesized frame is dropped.
        #expect(remapper.remap(className: "b", method: "c", line: 5).map { "\($0.className).\($0.method):\($0.line ?? -1)" } ==
                ["com.example.Main.inlinedHere:40", "com.example.Util.util:7"])
        #expect(remapper.remap(className: "b", method: "c", line: 5).first?.sourceFile == "Main.kt")
        #expect(remapper.remap(className: "nope", method: "a", line: 1).isEmpty)
        // Hostile numbers and shapes: no trap.
        let hostile = ProguardMapping.parse(Array("x -> y:\n    99999999999999999999:1:void m():1 -> a\n    -1:-2:void n() -> b\n    1:2:void o():3:4:5 -> c\n".utf8))
        #expect(hostile.classes["y"]?.methods.isEmpty == true)
    }

    @Test func proguardErrorsForMissingMappingAndLine() throws {
        let event: JSON = [
            "platform": "java",
            "exception": ["values": [["type": "a", "module": "", "stacktrace": ["frames": [["module": "a", "function": "a"]]]]]],
            "debug_meta": ["images": [["type": "proguard", "uuid": "AAAAAAAA-0000-0000-0000-000000000001"], ["type": "proguard", "uuid": "aaaaaaaa-0000-0000-0000-000000000002"]]],
        ]
        let source = InMemoryArtifactSource()
        source.mappings["aaaaaaaa-0000-0000-0000-000000000001"] = Array(Self.mapping.utf8)
        let processed = try Self.process([event], cache: ArtifactCache(source: source))[0]
        #expect(Self.errors(processed).map { $0["type"]?.string } == ["proguard_missing_mapping", "proguard_missing_lineno"])
        #expect(Self.errors(processed).first?["mapping_uuid"]?.string == "aaaaaaaa-0000-0000-0000-000000000002")
        #expect(Self.frame(processed)?["function"]?.string == "helper")
        #expect(processed["exception"]?["values"]?.array?.first?["type"]?.string == "Main")
    }
}
