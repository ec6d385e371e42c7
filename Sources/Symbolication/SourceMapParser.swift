import EventModel

/// Why a source map could not be used; the frame stays raw with `js_invalid_source`.
public struct SourceMapError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// Reads source map v3 JSON, including index maps (`sections` with offsets, flattened into one
/// table). Linear in the input apart from one sort of the table when segments arrive out of
/// order; every number from the map is range-checked, segments pointing outside `sources` or
/// `names` are dropped (names) or skipped (sources) instead of trapping.
public enum SourceMapParser {
    public static func parse(_ bytes: [UInt8]) throws(SourceMapError) -> SourceMap {
        // Some servers prefix maps with `)]}'` against XSSI, which the spec allows.
        var body = bytes[...]
        if body.starts(with: Array(")]}'".utf8)) {
            body = body.drop(while: { $0 != UInt8(ascii: "\n") })
        }
        let json: JSON
        do { json = try JSON.parse(Array(body)) } catch { throw SourceMapError(reason: "not JSON: \(error)") }
        guard case .object = json else { throw SourceMapError(reason: "not a JSON object") }
        var table = Table()
        if let sections = json["sections"] {
            guard case .array(let list) = sections else { throw SourceMapError(reason: "sections is not an array") }
            for section in list {
                guard let offset = section["offset"], let line = offset["line"]?.int, let column = offset["column"]?.int,
                      (0...Int64(UInt32.max)).contains(line), (0...Int64(UInt32.max)).contains(column) else {
                    throw SourceMapError(reason: "section without a valid offset")
                }
                guard let map = section["map"], case .object = map else {
                    throw SourceMapError(reason: "section without an embedded map (url sections are not supported)")
                }
                guard map["sections"] == nil else { throw SourceMapError(reason: "nested index map") }
                try table.append(map, lineOffset: UInt32(line), columnOffset: UInt32(column))
            }
        } else {
            try table.append(json, lineOffset: 0, columnOffset: 0)
        }
        table.sortIfNeeded()
        return SourceMap(mappings: table.mappings, sources: table.sources, names: table.names, sourcesContent: table.contents)
    }

    /// The flattened maps so far.
    struct Table {
        var mappings: [SourceMap.Mapping] = []
        var sources: [String] = []
        var names: [String] = []
        var contents: [String?] = []
        var sorted = true

        mutating func append(_ map: JSON, lineOffset: UInt32, columnOffset: UInt32) throws(SourceMapError) {
            if let version = map["version"]?.int, version != 3 {
                throw SourceMapError(reason: "unsupported source map version \(version)")
            }
            guard case .string(var encoded)? = map["mappings"] else { throw SourceMapError(reason: "no mappings") }
            let root = map["sourceRoot"]?.string ?? ""
            let ownSources = (map["sources"]?.array ?? []).map { Self.join(root, $0.string ?? "") }
            let ownNames = (map["names"]?.array ?? []).map { $0.string ?? "" }
            let ownContents = map["sourcesContent"]?.array ?? []
            let sourceBase = Int64(sources.count), nameBase = Int64(names.count)
            guard sourceBase + Int64(ownSources.count) < Int64(Int32.max), nameBase + Int64(ownNames.count) < Int64(Int32.max) else {
                throw SourceMapError(reason: "too many sources or names")
            }
            sources += ownSources
            names += ownNames
            contents += ownSources.indices.map { $0 < ownContents.count ? ownContents[$0].string : nil }
            let countBefore = mappings.count
            // One mapping per segment, and a segment takes at least a byte and a comma.
            mappings.reserveCapacity(mappings.count + encoded.utf8.count / 5)
            let failure: String? = encoded.withUTF8 { bytes in
                decode(bytes, sourceCount: Int64(ownSources.count), nameCount: Int64(ownNames.count),
                       sourceBase: sourceBase, nameBase: nameBase, lineOffset: lineOffset, columnOffset: columnOffset)
            }
            if let failure { throw SourceMapError(reason: failure) }
            // Sections out of order (or overlapping) need one sort of the whole table at the end.
            if countBefore > 0, countBefore < mappings.count, Self.before(mappings[countBefore], mappings[countBefore - 1]) {
                sorted = false
            }
        }

        /// Decodes one map's `mappings` onto the table; a message on malformed VLQ.
        private mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, sourceCount: Int64, nameCount: Int64,
                                     sourceBase: Int64, nameBase: Int64, lineOffset: UInt32, columnOffset: UInt32) -> String? {
            var position = 0
            var line = Int64(lineOffset)
            var column: Int64 = 0, source: Int64 = 0, originalLine: Int64 = 0, originalColumn: Int64 = 0, name: Int64 = 0
            var lineSorted = true
            var lineStart = mappings.count
            var lastColumn: Int64 = -1
            let limit = Int64(UInt32.max)
            let table = Base64VLQ.digits
            return table.withUnsafeBufferPointer { digits in
            // A field sum is clamped so a run of huge deltas cannot overflow Int64.
            func add(_ value: inout Int64, _ delta: Int64) { value = min(max(value &+ delta, -limit), limit) }
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: ";") {
                    if !lineSorted { sortLine(from: lineStart) }
                    position += 1
                    line += 1
                    guard line <= limit else { return "too many generated lines" }
                    column = 0
                    lineSorted = true
                    lineStart = mappings.count
                    lastColumn = -1
                    continue
                }
                if byte == UInt8(ascii: ",") { position += 1; continue }
                guard let delta = Base64VLQ.decode(bytes, &position, digits) else { return "invalid VLQ in mappings at byte \(position)" }
                add(&column, delta)
                var fields = (Int64(0), Int64(0), Int64(0), Int64(0))
                var count = 0
                while position < bytes.count, bytes[position] != UInt8(ascii: ","), bytes[position] != UInt8(ascii: ";") {
                    guard count < 4, let value = Base64VLQ.decode(bytes, &position, digits) else {
                        return "invalid segment in mappings at byte \(position)"
                    }
                    switch count {
                    case 0: fields.0 = value
                    case 1: fields.1 = value
                    case 2: fields.2 = value
                    default: fields.3 = value
                    }
                    count += 1
                }
                guard count == 0 || count >= 3 else { return "segment with \(count + 1) fields" }
                if count >= 3 {
                    add(&source, fields.0); add(&originalLine, fields.1); add(&originalColumn, fields.2)
                    if count == 4 { add(&name, fields.3) }
                }
                let generatedColumn = column + (line == Int64(lineOffset) ? Int64(columnOffset) : 0)
                guard column >= 0, generatedColumn <= limit else { continue }
                if generatedColumn < lastColumn { lineSorted = false }
                lastColumn = generatedColumn
                // A segment without a source (or pointing outside the map) maps its code to nothing:
                // it is kept so a lookup there does not fall back to the mapping before it.
                guard count >= 3, source >= 0, source < sourceCount, originalLine >= 0, originalColumn >= 0 else {
                    mappings.append(SourceMap.Mapping(generatedLine: UInt32(line), generatedColumn: UInt32(generatedColumn),
                                                      source: -1, originalLine: 0, originalColumn: 0, name: -1))
                    continue
                }
                let hasName = count == 4 && name >= 0 && name < nameCount
                mappings.append(SourceMap.Mapping(
                    generatedLine: UInt32(line), generatedColumn: UInt32(generatedColumn),
                    source: Int32(source + sourceBase), originalLine: UInt32(originalLine), originalColumn: UInt32(originalColumn),
                    name: hasName ? Int32(name + nameBase) : -1))
            }
            if !lineSorted { sortLine(from: lineStart) }
            return nil
            }
        }

        private mutating func sortLine(from start: Int) {
            mappings[start...].sort { $0.generatedColumn < $1.generatedColumn }
        }

        mutating func sortIfNeeded() {
            guard !sorted else { return }
            mappings.sort(by: Self.before)
        }

        static func before(_ a: SourceMap.Mapping, _ b: SourceMap.Mapping) -> Bool {
            (a.generatedLine, a.generatedColumn) < (b.generatedLine, b.generatedColumn)
        }

        /// `sources[i]` with `sourceRoot` in front, unless it is already absolute.
        static func join(_ root: String, _ source: String) -> String {
            guard !root.isEmpty, !source.hasPrefix("/"), !SourceURL.isAbsolute(source) else { return source }
            return root.hasSuffix("/") ? root + source : root + "/" + source
        }
    }
}
