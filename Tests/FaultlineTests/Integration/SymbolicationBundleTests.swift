import EventModel
import Foundation
import Testing
@testable import Processor
@testable import Symbolication

/// Symbolication against real bundles: sources minified by Debian's `esbuild` (one file,
/// code-split chunks, an index map built from two minified files), debug IDs injected by the real
/// `sentry-cli sourcemaps inject`, errors thrown under `node` and turned into events shaped as
/// Sentry's JavaScript SDK sends them; and a Java program compiled with `javac`, run, and its
/// stack trace deobfuscated with a ProGuard/R8 mapping with inlines. Each goes through the
/// processor's `EventPipeline` with an in-memory `ArtifactSource`.
@Suite(.serialized) struct SymbolicationBundleTests {
    static let fixtures = TestEnvironment.packageRoot.appendingPathComponent("Tests/compat/symbolication")
    static let site = "https://example.com/static/"

    /// A scratch copy of the JavaScript fixtures.
    static func workspace() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-symbolication-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["src", "run.js", "run.mjs"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent("js/\(name)"), to: directory.appendingPathComponent(name))
        }
        return directory
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw TestSetupError("\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
        return text
    }

    static func tool(_ name: String) throws -> String {
        for directory in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw TestSetupError("\(name) is missing: apt-get install esbuild nodejs default-jdk-headless (deploy/lib.sh ensure_packages)")
    }

    static var sentryCLI: String {
        get throws { URL(fileURLWithPath: try TestEnvironment.python).deletingLastPathComponent().appendingPathComponent("sentry-cli").path }
    }

    static func read(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }

    /// A V8 stack (`error.stack`) as the JavaScript SDK sends it: frames oldest first, files under
    /// `dist` served from `site`.
    static func event(stack: String, dist: URL, release: String? = nil, debugIDs: [String: String] = [:]) -> JSON {
        let lines = stack.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let header = lines.first ?? ""
        let colon = header.firstIndex(of: ":") ?? header.endIndex
        var frames: [JSON] = []
        for line in lines.dropFirst() where line.hasPrefix("at ") {
            var body = Substring(line.dropFirst(3))
            var function: String?
            if body.hasSuffix(")"), let open = body.range(of: " (") {
                function = String(body[..<open.lowerBound])
                body = body[open.upperBound..<body.index(before: body.endIndex)]
            }
            let parts = body.split(separator: ":")
            guard parts.count >= 3, let lineno = Int64(parts[parts.count - 2]), let colno = Int64(parts[parts.count - 1]) else { continue }
            var path = parts.dropLast(2).joined(separator: ":")
            if path.hasPrefix("file://") { path = String(path.dropFirst(7)) }   // ES modules' frames
            if path.hasPrefix(dist.path + "/") { path = site + path.dropFirst(dist.path.count + 1) }
            var frame: [String: JSON] = ["abs_path": .string(path), "filename": .string(path), "lineno": .int(lineno), "colno": .int(colno),
                                         "in_app": .bool(!path.hasPrefix("node:"))]
            if let function { frame["function"] = .string(function) }
            frames.insert(.object(frame), at: 0)
        }
        var event: [String: JSON] = [
            "platform": "javascript",
            "exception": ["values": [["type": .string(String(header[..<colon])),
                                      "value": .string(header[colon...].dropFirst().trimmingCharacters(in: .whitespaces)),
                                      "stacktrace": ["frames": .array(frames)]]]],
        ]
        if let release { event["release"] = .string(release) }
        if !debugIDs.isEmpty {
            event["debug_meta"] = ["images": .array(debugIDs.sorted { $0.key < $1.key }.map { file, id in
                ["type": "sourcemap", "code_file": .string(site + file), "debug_id": .string(id)]
            })]
        }
        return .object(event)
    }

    static func process(_ events: [JSON], _ cache: ArtifactCache) throws -> [ProcessedEvent] {
        let messages = events.enumerated().map { index, event in
            IngestMessage(metadata: .init(type: "event", eventID: String(format: "%032x", index + 1), projectID: 7, keyID: 1,
                                          received: 1_700_000_000, clientIP: "192.0.2.1", sdk: "sentry.javascript.browser/8", sentAt: nil),
                          payload: event.encoded())
        }
        let pipeline = EventPipeline.standard(artifacts: cache)
        return try pipeline.process(batch: messages, pipeline.prepare(projects: [7])).map { try $0.get() }
    }

    static func frames(_ processed: ProcessedEvent) throws -> [[String: JSON]] {
        let json = try JSON.parse(processed.payload)
        return (json["exception"]?["values"]?.array?.first?["stacktrace"]?["frames"]?.array ?? []).compactMap(\.object)
    }

    static func debugID(_ file: URL) throws -> String {
        try #require(SourceComments.debugID(try read(file)))
    }

    /// One minified file, debug IDs from `sentry-cli sourcemaps inject`, found by debug ID.
    @Test func singleBundleResolvesByDebugID() throws {
        let esbuild = try Self.tool("esbuild"), node = try Self.tool("node")
        let work = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: work) }
        let dist = work.appendingPathComponent("dist")
        try Self.run(esbuild, ["src/entry.js", "--bundle", "--minify", "--sourcemap", "--format=iife", "--outfile=dist/app.min.js"], in: work)
        try Self.run(try Self.sentryCLI, ["sourcemaps", "inject", "dist"], in: work)
        let id = try Self.debugID(dist.appendingPathComponent("app.min.js"))
        let stack = try Self.run(node, ["run.js", "./dist/app.min.js"], in: work)
        let source = InMemoryArtifactSource()
        source.byDebugID[id] = try Self.read(dist.appendingPathComponent("app.min.js.map"))
        let processed = try Self.process([Self.event(stack: stack, dist: dist, debugIDs: ["app.min.js": id])], ArtifactCache(source: source))
        let frames = try Self.frames(processed[0])
        let app = frames.filter { $0["data"]?["symbolicated"]?.bool == true }
        #expect(app.map { $0["function"]?.string } == ["main", "loadSettings", "parseConfig"])
        #expect(app.map { $0["abs_path"]?.string } == ["https://example.com/src/app.js", "https://example.com/src/app.js", "https://example.com/src/util.js"])
        #expect(app.map { $0["filename"]?.string } == ["/src/app.js", "/src/app.js", "/src/util.js"])
        #expect(app.map { $0["lineno"]?.int } == [13, 6, 5])
        let top = try #require(app.last)
        #expect(top["context_line"]?.string == "    throw new Error(\"bad config: \" + text);")
        #expect(top["pre_context"]?.array?.last?.string == "  if (parts.length < 2) {")
        #expect(top["post_context"]?.array?.first?.string == "  }")
        #expect(top["colno"]?.int == 11)
        #expect(top["data"]?["resolved_with"]?.string == "debug-id")
        #expect(top["data"]?["sourcemap"]?.string == "https://example.com/static/app.min.js.map")
        #expect(top["module"]?.string == "src/util")
        // The minified stack trace is kept beside it, as Sentry's event JSON does.
        let json = try JSON.parse(processed[0].payload)
        let raw = json["exception"]?["values"]?.array?.first?["raw_stacktrace"]?["frames"]?.array ?? []
        #expect(raw.compactMap { $0["abs_path"]?.string }.filter { $0.hasSuffix("app.min.js") }.count == 3)
        // The runner's own frame has no debug ID and no release: it stays raw, with Sentry's error.
        #expect(frames.contains { $0["abs_path"]?.string == work.appendingPathComponent("run.js").path && $0["data"] == nil })
        let errors = json["errors"]?.array ?? []
        #expect(errors.contains { $0["type"]?.string == "js_no_source" && $0["url"]?.string == work.appendingPathComponent("run.js").path })
        #expect(processed[0].grouping.title == "Error: bad config: broken")
    }

    /// Two builds of the same source whose minified code and names differ join one issue once
    /// symbolicated; their raw stack traces would not.
    @Test func twoBuildsOfTheSameSourceGroupTogether() throws {
        let esbuild = try Self.tool("esbuild"), node = try Self.tool("node")
        let work = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: work) }
        let dist = work.appendingPathComponent("dist")
        try Self.run(esbuild, ["src/entry.js", "--bundle", "--minify", "--sourcemap", "--format=iife", "--outfile=dist/v1/app.min.js"], in: work)
        try Self.run(esbuild, ["src/entry2.js", "--bundle", "--minify", "--sourcemap", "--format=iife", "--target=es2015",
                               "--outfile=dist/v2/app.min.js"], in: work)
        try Self.run(try Self.sentryCLI, ["sourcemaps", "inject", "dist"], in: work)
        let v1 = try Self.read(dist.appendingPathComponent("v1/app.min.js")), v2 = try Self.read(dist.appendingPathComponent("v2/app.min.js"))
        #expect(v1 != v2)
        let source = InMemoryArtifactSource()
        var events: [JSON] = []
        for version in ["v1", "v2"] {
            let file = dist.appendingPathComponent("\(version)/app.min.js")
            let id = try Self.debugID(file)
            source.byDebugID[id] = try Self.read(dist.appendingPathComponent("\(version)/app.min.js.map"))
            let stack = try Self.run(node, ["run.js", "./dist/\(version)/app.min.js"], in: work)
            events.append(Self.event(stack: stack, dist: dist, debugIDs: ["\(version)/app.min.js": id]))
        }
        let symbolicated = try Self.process(events, ArtifactCache(source: source))
        #expect(symbolicated[0].grouping.hashes == symbolicated[1].grouping.hashes)
        let raw = try Self.process(events, ArtifactCache(source: InMemoryArtifactSource()))
        #expect(raw[0].grouping.hashes != raw[1].grouping.hashes)
    }

    /// Code-split ES module chunks, found through the release's uploaded files and each file's
    /// `sourceMappingURL`, run under node.
    @Test func codeSplitChunksResolveThroughReleaseFiles() throws {
        let esbuild = try Self.tool("esbuild"), node = try Self.tool("node")
        let work = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: work) }
        let dist = work.appendingPathComponent("dist")
        try Self.run(esbuild, ["src/pageA.js", "src/pageB.js", "--bundle", "--minify", "--sourcemap", "--splitting", "--format=esm",
                               "--outdir=dist/esm", "--chunk-names=chunks/[name]-[hash]"], in: work)
        try Data(#"{"type":"module"}"#.utf8).write(to: dist.appendingPathComponent("esm/package.json"))
        let stack = try Self.run(node, ["run.mjs", "./dist/esm/pageA.js"], in: work)
        let source = InMemoryArtifactSource()
        let files = try FileManager.default.subpathsOfDirectory(atPath: dist.path).filter { $0.hasSuffix(".js") || $0.hasSuffix(".map") }
        #expect(files.contains { $0.hasPrefix("esm/chunks/") && $0.hasSuffix(".js") })
        for file in files {
            source.addReleaseFile(release: "web@1.0", url: "~/static/\(file)", try Self.read(dist.appendingPathComponent(file)))
        }
        let cache = ArtifactCache(source: source)
        let processed = try Self.process([Self.event(stack: stack, dist: dist, release: "web@1.0")], cache)
        let app = try Self.frames(processed[0]).filter { $0["data"]?["symbolicated"]?.bool == true }
        #expect(app.map { $0["function"]?.string } == ["main", "loadSettings", "parseConfig"])
        #expect(app.map { $0["filename"]?.string } == ["/src/pageA.js", "/src/app.js", "/src/util.js"])
        #expect(app.map { $0["lineno"]?.int } == [3, 6, 5])
        #expect(app.allSatisfy { $0["data"]?["resolved_with"]?.string == "release" })
        #expect(app.last?["data"]?["sourcemap"]?.string?.hasPrefix("https://example.com/static/esm/chunks/util-") == true ||
                app.last?["data"]?["sourcemap"]?.string?.hasPrefix("https://example.com/static/esm/chunks/") == true)
        // A second batch reads nothing: the parsed maps and files are cached.
        let reads = source.reads
        _ = try Self.process([Self.event(stack: stack, dist: dist, release: "web@1.0")], cache)
        #expect(source.reads == reads)
    }

    /// An index map (`sections`) over two minified files concatenated into one.
    @Test func indexMapOverConcatenatedFiles() throws {
        let esbuild = try Self.tool("esbuild"), node = try Self.tool("node")
        let work = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: work) }
        let dist = work.appendingPathComponent("dist")
        for name in ["lib", "caller"] {
            try Self.run(esbuild, ["src/\(name).js", "--minify", "--sourcemap", "--outfile=dist/\(name).min.js"], in: work)
        }
        var combined = "", sections: [String] = []
        for name in ["lib", "caller"] {
            let text = String(decoding: try Self.read(dist.appendingPathComponent("\(name).min.js")), as: UTF8.self)
            let code = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("//# sourceMappingURL") }
                .joined(separator: "\n").trimmingCharacters(in: .newlines) + "\n"
            let line = combined.filter { $0 == "\n" }.count
            let map = String(decoding: try Self.read(dist.appendingPathComponent("\(name).min.js.map")), as: UTF8.self)
            sections.append(#"{"offset":{"line":\#(line),"column":0},"map":\#(map)}"#)
            combined += code
        }
        combined += "//# sourceMappingURL=bundle.min.js.map\n"
        try Data(combined.utf8).write(to: dist.appendingPathComponent("bundle.min.js"))
        let index = #"{"version":3,"sections":[\#(sections.joined(separator: ","))]}"#
        let stack = try Self.run(node, ["run.js", "./dist/bundle.min.js"], in: work)
        let source = InMemoryArtifactSource()
        source.addReleaseFile(release: "r1", dist: "web", url: "~/static/bundle.min.js", Array(combined.utf8))
        source.addReleaseFile(release: "r1", dist: "web", url: "~/static/bundle.min.js.map", Array(index.utf8))
        var event = try #require(Self.event(stack: stack, dist: dist, release: "r1").object)
        event["dist"] = "web"
        let processed = try Self.process([.object(event)], ArtifactCache(source: source))
        let app = try Self.frames(processed[0]).filter { $0["data"]?["symbolicated"]?.bool == true }
        #expect(app.map { $0["filename"]?.string } == ["/src/caller.js", "/src/caller.js", "/src/caller.js", "/src/lib.js"])
        #expect(app.map { $0["function"]?.string } == ["runApp", "collect", "collect", "checkedParse"])
        #expect(app.last?["lineno"]?.int == 3)
        #expect(app.last?["context_line"]?.string == "    throw new TypeError(\"no separator in \" + text);")
    }

    /// `faultline sourcemap lookup` and `faultline proguard lookup` answer from the same parsers.
    @Test func lookupCommandsPrintOriginalPositions() throws {
        let esbuild = try Self.tool("esbuild"), faultline = try TestEnvironment.executable
        let work = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: work) }
        try Self.run(esbuild, ["src/entry.js", "--bundle", "--minify", "--sourcemap", "--format=iife", "--outfile=dist/app.min.js"], in: work)
        // The minified column of `new Error` in the one-line bundle, 1-based.
        let minified = String(decoding: try Self.read(work.appendingPathComponent("dist/app.min.js")), as: UTF8.self)
        let range = try #require(minified.range(of: "new Error"))
        let column = minified.utf16.distance(from: minified.startIndex, to: range.lowerBound) + 1
        let line = try Self.run(faultline, ["sourcemap", "lookup", "dist/app.min.js.map", "1", String(column)], in: work)
        #expect(try JSON.parse(line.trimmingCharacters(in: .whitespacesAndNewlines)) ==
                ["source": "../src/util.js", "line": 5, "column": 11, "name": .null])
        let mapping = Self.fixtures.appendingPathComponent("java/mapping.txt").path
        let frames = try Self.run(faultline, ["proguard", "lookup", mapping, "b", "a", "7"], in: work)
        #expect(frames.split(separator: "\n").map { try? JSON.parse(String($0)) } == [
            ["class": "com.example.Parser", "method": "checkSeparator", "line": 207, "source_file": "Parser.java"],
            ["class": "com.example.Parser", "method": "parse", "line": 50, "source_file": "Parser.java"],
        ])
        #expect(try Self.run(faultline, ["proguard", "lookup", mapping, "c"], in: work).contains(#""class":"com.example.ConfigException""#))
        #expect(throws: TestSetupError.self) { try Self.run(faultline, ["sourcemap", "lookup", mapping, "1", "1"], in: work) }
    }

    /// A Java program compiled with `javac` under obfuscated names, its stack trace deobfuscated
    /// with a mapping that has inlined frames and R8 source file metadata.
    @Test func javaStackTraceIsDeobfuscated() throws {
        let javac = try Self.tool("javac"), java = try Self.tool("java")
        let work = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("java/a.java"), to: work.appendingPathComponent("a.java"))
        try Self.run(javac, ["-d", "classes", "a.java"], in: work)
        let trace = try Self.run(java, ["-cp", "classes", "a"], in: work)
        // "c: no separator in broken" then "\tat b.a(a.java:19)" lines, innermost first.
        let lines = trace.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let header = try #require(lines.first)
        var frames: [JSON] = []
        for line in lines.dropFirst() where line.hasPrefix("at ") {
            let body = line.dropFirst(3)
            guard let open = body.firstIndex(of: "("), let colon = body.lastIndex(of: ":"), let dot = body[..<open].lastIndex(of: ".") else { continue }
            let lineno = Int64(body[body.index(after: colon)..<body.index(before: body.endIndex)]) ?? 0
            frames.insert(["module": .string(String(body[..<dot])), "function": .string(String(body[body.index(after: dot)..<open])),
                           "filename": "SourceFile", "lineno": .int(lineno), "in_app": true], at: 0)
        }
        let innermost = try #require(frames.last?["lineno"]?.int)
        let uuid = "6b2a4d8e-1f3c-5a7b-9d0e-2c4f6a8b0d1e"
        let event: JSON = [
            "platform": "java",
            "exception": ["values": [["type": .string(String(header.prefix { $0 != ":" })), "value": "no separator in broken",
                                      "stacktrace": ["frames": .array(frames)]]]],
            "debug_meta": ["images": [["type": "proguard", "uuid": .string(uuid.uppercased())]]],
        ]
        let source = InMemoryArtifactSource()
        source.mappings[uuid] = try Self.read(Self.fixtures.appendingPathComponent("java/mapping.txt"))
        let processed = try Self.process([event], ArtifactCache(source: source))
        let json = try JSON.parse(processed[0].payload)
        let exception = try #require(json["exception"]?["values"]?.array?.first)
        #expect(exception["type"]?.string == "ConfigException")
        #expect(exception["module"]?.string == "com.example")
        let result = try Self.frames(processed[0])
        // b.a became two frames: checkSeparator (inlined, innermost) called from parse.
        #expect(result.map { "\($0["module"]?.string ?? "").\($0["function"]?.string ?? "")" } ==
                ["com.example.App.main", "com.example.App.run", "com.example.Parser.parse", "com.example.Parser.checkSeparator"])
        #expect(result.last?["lineno"]?.int == 200 + innermost)
        #expect(result[2]["lineno"]?.int == 50)
        #expect(result.last?["filename"]?.string == "Parser.java")
        #expect(exception["raw_stacktrace"]?["frames"]?.array?.count == 3)
        #expect(processed[0].grouping.title.hasPrefix("ConfigException"))
    }
}
