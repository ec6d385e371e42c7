import EventModel
import Foundation
import Testing
@testable import Symbolication

/// The source map parser and lookup on hand-made maps: VLQ, `sourceRoot`, `names`, index maps,
/// UTF-16 columns, and hostile maps (no trap, an error or a partial table instead).
@Suite struct SourceMapTests {
    /// Encodes mappings the way bundlers do, so tests state positions instead of VLQ text.
    static func vlq(_ value: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var number = value < 0 ? ((-value) << 1) | 1 : value << 1
        var text = ""
        repeat {
            var digit = number & 31
            number >>= 5
            if number > 0 { digit |= 32 }
            text.append(alphabet[digit])
        } while number > 0
        return text
    }

    /// Segments per generated line: (generated column, source, original line, original column, name?).
    static func mappings(_ lines: [[(Int, Int, Int, Int, Int?)]]) -> String {
        var previous = (source: 0, line: 0, column: 0, name: 0)
        return lines.map { segments in
            var column = 0
            return segments.map { segment in
                var text = vlq(segment.0 - column) + vlq(segment.1 - previous.source) + vlq(segment.2 - previous.line) + vlq(segment.3 - previous.column)
                column = segment.0
                previous.source = segment.1; previous.line = segment.2; previous.column = segment.3
                if let name = segment.4 { text += vlq(name - previous.name); previous.name = name }
                return text
            }.joined(separator: ",")
        }.joined(separator: ";")
    }

    static func map(_ mappings: String, sources: [String] = ["a.js"], names: [String] = [], root: String? = nil,
                    contents: [String?]? = nil) -> [UInt8] {
        var object: [String: JSON] = ["version": 3, "mappings": .string(mappings), "sources": .array(sources.map(JSON.string)),
                                      "names": .array(names.map(JSON.string))]
        if let root { object["sourceRoot"] = .string(root) }
        if let contents { object["sourcesContent"] = .array(contents.map { $0.map(JSON.string) ?? .null }) }
        return JSON.object(object).encoded()
    }

    @Test func vlqDecodesWhatItEncodes() {
        for value in [0, 1, -1, 15, 16, -16, 31, 32, 1000, -123456, 1 << 30] {
            let text = Array(Self.vlq(value).utf8)
            var position = 0
            let decoded = text.withUnsafeBufferPointer { Base64VLQ.decode($0, &position) }
            #expect(decoded == Int64(value))
            #expect(position == text.count)
        }
    }

    @Test func lookupFindsTheSegmentAtOrBeforeTheColumn() throws {
        let text = Self.mappings([[(0, 0, 0, 0, nil), (10, 0, 2, 4, 0), (20, 1, 7, 1, 1)], [], [(5, 0, 9, 0, nil)]])
        let map = try SourceMapParser.parse(Self.map(text, sources: ["a.js", "b.js"], names: ["first", "second"]))
        #expect(map.lookup(line: 0, column: 0) == .init(sourceIndex: 0, source: "a.js", line: 0, column: 0, name: nil))
        #expect(map.lookup(line: 0, column: 15)?.line == 2)
        #expect(map.lookup(line: 0, column: 15)?.name == "first")
        #expect(map.lookup(line: 0, column: 25)?.source == "b.js")
        #expect(map.lookup(line: 0, column: 25)?.name == "second")
        // A line without segments answers the last segment before it, as symbolic does.
        #expect(map.lookup(line: 1, column: 3)?.source == "b.js")
        #expect(map.lookup(line: 2, column: 6)?.line == 9)
        #expect(map.lookup(line: 50, column: 0)?.line == 9)
        #expect(map.lookup(line: -1, column: 0) == nil)
    }

    @Test func sourceRootPrefixesRelativeSourcesOnly() throws {
        let text = Self.mappings([[(0, 0, 0, 0, nil), (1, 1, 0, 0, nil), (2, 2, 0, 0, nil)]])
        let map = try SourceMapParser.parse(Self.map(text, sources: ["src/a.js", "/abs/b.js", "webpack:///c.js"], root: "https://x.io/app/"))
        #expect(map.sources == ["https://x.io/app/src/a.js", "/abs/b.js", "webpack:///c.js"])
        let noSlash = try SourceMapParser.parse(Self.map(Self.mappings([[(0, 0, 0, 0, nil)]]), sources: ["a.js"], root: "lib"))
        #expect(noSlash.sources == ["lib/a.js"])
    }

    @Test func missingNamesAndContentAreNil() throws {
        // A segment names index 3 of a map without `names`: the name is dropped, the mapping kept.
        let text = Self.mappings([[(0, 0, 1, 2, 3)]])
        let map = try SourceMapParser.parse(Array(#"{"version":3,"sources":["a.js"],"mappings":"\#(text)"}"#.utf8))
        #expect(map.lookup(line: 0, column: 0) == .init(sourceIndex: 0, source: "a.js", line: 1, column: 2, name: nil))
        #expect(map.content(of: 0) == nil)
        #expect(map.content(of: 7) == nil)
    }

    @Test func unsortedSegmentsAreSorted() throws {
        let text = Self.vlq(20) + "AAA," + Self.vlq(-20) + "ACA"
        let map = try SourceMapParser.parse(Self.map(text))
        #expect(map.lookup(line: 0, column: 5)?.line == 1)
        #expect(map.lookup(line: 0, column: 25)?.line == 0)
    }

    @Test func indexMapSectionsAreOffset() throws {
        let first = Self.map(Self.mappings([[(0, 0, 0, 0, 0)], [(0, 0, 1, 0, nil)]]), sources: ["one.js"], names: ["alpha"],
                             contents: ["line0\nline1"])
        let second = Self.map(Self.mappings([[(0, 0, 3, 0, 0), (4, 0, 4, 2, nil)]]), sources: ["two.js"], names: ["beta"])
        let index = #"{"version":3,"sections":[{"offset":{"line":0,"column":0},"map":\#(String(decoding: first, as: UTF8.self))},{"offset":{"line":2,"column":10},"map":\#(String(decoding: second, as: UTF8.self))}]}"#
        let map = try SourceMapParser.parse(Array(index.utf8))
        #expect(map.lookup(line: 0, column: 3) == .init(sourceIndex: 0, source: "one.js", line: 0, column: 0, name: "alpha"))
        #expect(map.lookup(line: 1, column: 0)?.line == 1)
        // The section's first line is shifted by its column offset.
        #expect(map.lookup(line: 2, column: 10) == .init(sourceIndex: 1, source: "two.js", line: 3, column: 0, name: "beta"))
        #expect(map.lookup(line: 2, column: 14)?.line == 4)
        #expect(map.lookup(line: 2, column: 9)?.source == "one.js")
        #expect(map.content(of: 0)?.text == "line0\nline1")
    }

    @Test func unicodeSourcesAndLongLines() throws {
        // Columns are UTF-16 units: after "ü😀" (3 units) the next token is at column 3.
        let text = Self.mappings([[(0, 0, 0, 0, 0), (3, 0, 0, 3, 1)]])
        let map = try SourceMapParser.parse(Self.map(text, sources: ["ünï/ç😀de.js"], names: ["größe", "😀"]))
        #expect(map.lookup(line: 0, column: 3)?.name == "😀")
        #expect(map.lookup(line: 0, column: 2)?.name == "größe")
        #expect(map.sources == ["ünï/ç😀de.js"])
        // One generated line of 100,000 segments.
        let long = Self.mappings([(0..<100_000).map { ($0 * 3, 0, 0, $0, nil) }])
        let big = try SourceMapParser.parse(Self.map(long))
        #expect(big.mappings.count == 100_000)
        #expect(big.lookup(line: 0, column: 299_998)?.column == 99_999)
        #expect(big.lookup(line: 0, column: 150_001)?.column == 50_000)
    }

    @Test func hostileMapsFailOrDegradeWithoutTrapping() throws {
        // Malformed VLQ, truncated numbers, over-long numbers: errors.
        for mappings in ["!!!", "g", "gggggggggggggggggA", "AAAAAAAAAA", "AA"] {
            #expect(throws: SourceMapError.self) { try SourceMapParser.parse(Self.map(mappings)) }
        }
        // Huge deltas (just inside 32 bits) that add up beyond them, negative indices: skipped.
        let huge = Self.vlq(Int(Int32.max)), negative = Self.vlq(-5)
        let text = "\(huge)AAA,\(huge)AAA,\(huge)AAA;A\(negative)AA;AA\(negative)A;AAAA\(negative)"
        let map = try SourceMapParser.parse(Self.map(text))
        #expect(map.lookup(line: 1, column: 0) == nil)
        #expect(map.lookup(line: 3, column: 0)?.name == nil)
        for body in ["[]", "{}", #"{"version":2,"mappings":""}"#, #"{"sections":[{"offset":{"line":-1,"column":0},"map":{}}]}"#,
                     #"{"sections":[{"offset":{"line":0,"column":0},"map":{"sections":[]}}]}"#,
                     #"{"sections":[{"offset":{"line":0,"column":0},"url":"x.map"}]}"#, "not json"] {
            #expect(throws: SourceMapError.self) { try SourceMapParser.parse(Array(body.utf8)) }
        }
        // Index map sections out of order are sorted, not trusted.
        let a = String(decoding: Self.map("AAAA"), as: UTF8.self)
        let unordered = try SourceMapParser.parse(Array(#"{"version":3,"sections":[{"offset":{"line":5,"column":0},"map":\#(a)},{"offset":{"line":1,"column":0},"map":\#(a)}]}"#.utf8))
        #expect(unordered.mappings.map(\.generatedLine) == [1, 5])
        #expect(unordered.lookup(line: 3, column: 0)?.sourceIndex == 1)
    }

    @Test func commentsNameTheMapAndDebugID() {
        let file = Array("var a=1;\n//# sourceMappingURL=app.min.js.map\n//# debugId=85314830-023f-4cf1-a267-535f4e37bb17\n\n".utf8)
        #expect(SourceComments.sourceMappingURL(file) == "app.min.js.map")
        #expect(SourceComments.debugID(file) == "85314830-023f-4cf1-a267-535f4e37bb17")
        #expect(SourceComments.sourceMappingURL(Array("//# sourceMappingURL=x.map\nvar a=1;".utf8)) == nil)
        #expect(SourceComments.sourceMappingURL(Array("//@ sourceMappingURL=old.map".utf8)) == "old.map")
        #expect(SourceComments.debugID([]) == nil)
        let inline = MinifiedFile(Array("x()\n//# sourceMappingURL=data:application/json;base64,\(Data(Self.map("AAAA")).base64EncodedString())".utf8))
        #expect(inline.sourceMappingURL == nil)
        if case .success(let map)? = inline.inlineMap { #expect(map.mappings.count == 1) } else { Issue.record("inline map not parsed") }
    }

    @Test func urlsJoinAndCandidatesFollowSentry() {
        #expect(SourceURL.join("https://x.io/static/js/app.min.js.map", "../../src/a.js") == "https://x.io/src/a.js")
        #expect(SourceURL.join("https://x.io/static/app.js.map", "./a.js") == "https://x.io/static/a.js")
        #expect(SourceURL.join("https://x.io/static/app.js.map", "/a.js") == "https://x.io/a.js")
        #expect(SourceURL.join("https://x.io/static/app.js.map", "webpack:///./a.js") == "webpack:///./a.js")
        #expect(SourceURL.join("~/static/app.js.map", "a.js") == "~/static/a.js")
        #expect(SourceURL.join("/srv/app/dist/app.js", "../src/a.js") == "/srv/app/src/a.js")
        #expect(SourceURL.candidates("https://x.io/static/app.js?v=3#top") ==
                ["https://x.io/static/app.js?v=3#top", "https://x.io/static/app.js", "~/static/app.js?v=3", "~/static/app.js"])
        #expect(SourceURL.candidates("app:///main.js") == ["app:///main.js", "~/main.js"])
    }

    @Test func modulesAndFilenamesAsSentryNamesThem() {
        #expect(JavaScriptModule.generate("https://x.io/static/js/app.min.js") == "app")
        #expect(JavaScriptModule.generate("http://example.com/foo/bar.js") == "foo/bar")
        #expect(JavaScriptModule.generate("http://example.com/js/v1.2.3/lib/util.js") == "lib/util")
        #expect(JavaScriptModule.generate("http://example.com/0123456789abcdef0123456789abcdef/foo/bar.js") == "foo/bar")
        #expect(JavaScriptModule.generate("src/components/Button.tsx") == "src/components/Button")
        #expect(JavaScriptModule.generate("") == "<unknown module>")
        #expect(JavaScriptModule.webpackFilename("webpack:///./src/a.js") == "src/a.js")
        #expect(JavaScriptModule.webpackFilename("webpack://my-lib/./src/a.js") == "src/a.js")
        #expect(JavaScriptModule.webpackFilename("webpack:///~/lodash/index.js") == "~/lodash/index.js")
        #expect(JavaScriptModule.isInApp(absPath: "webpack:///~/lodash/index.js", filename: "~/lodash/index.js") == false)
        #expect(JavaScriptModule.isInApp(absPath: "https://x/node_modules/react/index.js", filename: "/node_modules/react/index.js") == false)
        #expect(JavaScriptModule.isInApp(absPath: "https://x/src/a.js", filename: "/src/a.js") == nil)
    }

    @Test func contextLinesAreCutAroundTheColumn() throws {
        let source = (1...12).map { "line \($0)" }.joined(separator: "\n")
        let context = try #require(SourceContext.around(SourceText(source), line: 6, column: 0))
        #expect(context.pre == ["line 2", "line 3", "line 4", "line 5", "line 6"])
        #expect(context.line == "line 7")
        #expect(context.post == ["line 8", "line 9", "line 10", "line 11", "line 12"])
        #expect(SourceContext.around(SourceText(source), line: 12, column: 0) == nil)
        let top = try #require(SourceContext.around(SourceText("only\r\nsecond"), line: 0, column: 0))
        #expect(top.pre.isEmpty && top.line == "only" && top.post == ["second"])
        let long = String(repeating: "a", count: 100) + "X" + String(repeating: "b", count: 200)
        let cut = SourceContext.trim(Substring(long), column: 100)
        #expect(cut == "{snip} " + String(repeating: "a", count: 60) + "X" + String(repeating: "b", count: 79) + " {snip}")
        #expect(SourceContext.trim(Substring(long), column: 0) == String(long.prefix(140)) + " {snip}")
        #expect(SourceContext.trim(Substring(long), column: 299).hasPrefix("{snip} "))
        #expect(SourceContext.trim(Substring(long), column: 299).count == 140 + 7)
    }

    @Test func sourceTextIndexesLinesAsSplitlines() throws {
        let text = SourceText("a\nbé\n\nlast\n")
        #expect(text.lineCount == 4)
        let context = try #require(SourceContext.around(text, line: 1, column: 1))
        #expect(context.pre == ["a"] && context.line == "bé" && context.post == ["", "last"])
        #expect(SourceContext.around(text, line: 4, column: 0) == nil)
        #expect(SourceText("").lineCount == 1)
    }

    /// Hostile sources: a column deep in a multi-megabyte line gets no context (instead of a scan
    /// per frame), a long line is cut exactly as a short one, and `){){…` headers whose `(` is
    /// never found end on the step budget with no name.
    @Test func hostileSourcesStayBounded() throws {
        let huge = SourceText(String(repeating: "x", count: 2_000_000) + "\nnext")
        #expect(SourceContext.around(huge, line: 0, column: 1_500_000) == nil)
        #expect(EnclosingFunction.name(in: huge, line: 0, column: 1_500_000) == nil)
        let early = try #require(SourceContext.around(huge, line: 0, column: 100))
        #expect(early.line == "{snip} " + String(repeating: "x", count: 140) + " {snip}")
        #expect(early.post == ["next"])
        let long = String(repeating: "a", count: 100) + "X" + String(repeating: "b", count: 20_000)
        let cut = try #require(SourceContext.around(SourceText(long), line: 0, column: 100))
        #expect(cut.line == SourceContext.trim(Substring(long), column: 100))
        let braces = SourceText(String(repeating: "){", count: 100_000) + "x")
        #expect(EnclosingFunction.name(in: braces, line: 0, column: 200_000) == nil)
        let named = SourceText("function outer(a) {\n" + String(repeating: "){", count: 10) + "\n  boom()\n")
        #expect(EnclosingFunction.name(in: named, line: 2, column: 2) == "outer")
    }

    @Test func enclosingFunctionNamesFromOriginalSource() {
        let source = """
        export function parseConfig(text) {
          const parts = text.split("=");
          if (parts.length < 2) {
            throw new Error("bad { config: " + text);
          }
        }
        class Loader {
          load(lines) {
            return lines.map((line) => {
              return check(line);
            });
          }
        }
        const handler = async (event) => { fail(event) };
        obj.onClick = function () { boom() };
        """
        #expect(EnclosingFunction.name(in: SourceText(source), line: 3, column: 4) == "parseConfig")
        #expect(EnclosingFunction.name(in: SourceText(source), line: 9, column: 6) == "load")
        #expect(EnclosingFunction.name(in: SourceText(source), line: 13, column: 36) == "handler")
        #expect(EnclosingFunction.name(in: SourceText(source), line: 14, column: 29) == "onClick")
        #expect(EnclosingFunction.name(in: SourceText(source), line: 0, column: 0) == nil)
        #expect(EnclosingFunction.name(in: SourceText(String(repeating: "}", count: 100_000) + "x"), line: 0, column: 100_000) == nil)
    }

    @Test func lruEvictsTheLeastRecentByBytes() {
        let cache = ByteBoundedLRU<String, Int>(capacity: 100)
        cache.insert("a", 1, bytes: 40)
        cache.insert("b", 2, bytes: 40)
        #expect(cache.value("a") == 1)
        cache.insert("c", 3, bytes: 40)   // evicts b, the least recent
        #expect(cache.value("b") == nil)
        #expect(cache.value("a") == 1 && cache.value("c") == 3)
        #expect(cache.bytes == 80)
        cache.insert("huge", 4, bytes: 1000)   // larger than the budget: not kept, nothing evicted
        #expect(cache.value("huge") == nil && cache.count == 2)
        cache.insert("a", 5, bytes: 10)
        #expect(cache.bytes == 50 && cache.value("a") == 5)
    }
}
