// libFuzzer target: what symbolication reads from uploaded artifacts (Sources/Symbolication).
// The first byte picks the parser: a source map (then lookups over its whole range and the
// source context and function-name scan of every source it carries), a ProGuard/R8 mapping (then
// every class and method remapped at a few lines), or a minified file's trailing comments.
// Checks: no trap, no hang (-timeout), lookups stay inside the map's tables.

import EventModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSymbolication(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 3 {
    case 0:
        guard let map = try? SourceMapParser.parse(bytes) else { return 0 }
        let lines = Int(map.mappings.last?.generatedLine ?? 0)
        for line in [0, 1, lines / 2, lines, lines + 1] {
            for column in [0, 1, 7, 100, 10_000, Int(UInt32.max)] {
                guard let location = map.lookup(line: line, column: column) else { continue }
                precondition(location.sourceIndex >= 0 && location.sourceIndex < map.sources.count)
                if let content = map.content(of: location.sourceIndex) {
                    _ = SourceContext.around(content, line: location.line, column: location.column)
                    _ = EnclosingFunction.name(in: content, line: location.line, column: location.column)
                }
                _ = JavaScriptModule.generate(SourceURL.join("https://example.com/static/app.min.js.map", location.source))
            }
        }
    case 1:
        let remapper = ProguardRemapper(ProguardMapping.parse(bytes))
        for (name, cls) in remapper.mapping.classes.prefix(50) {
            _ = remapper.remapClass(name)
            for method in cls.methods.keys.prefix(20) {
                for line in [nil, 0, 1, 5, 100, Int(Int32.max)] as [Int?] { _ = remapper.remap(className: name, method: method, line: line) }
            }
        }
    default:
        let file = MinifiedFile(bytes)
        if let url = file.sourceMappingURL { _ = SourceURL.candidates(SourceURL.join("https://example.com/a/b.js", url)) }
    }
    return 0
}
