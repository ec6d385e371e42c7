/// A parsed source map (v3, index maps flattened): its mappings as one table sorted by generated
/// position, and the `sources`, `names` and `sourcesContent` they point into. Immutable and
/// `Sendable`, so one parse serves every event of every batch (through `ArtifactCache`).
public struct SourceMap: Sendable {
    /// One mapping segment. Positions are 0-based; generated columns count UTF-16 units, as
    /// JavaScript reports them. `source` and `name` are indices, -1 for none.
    public struct Mapping: Sendable, Equatable {
        public var generatedLine: UInt32
        public var generatedColumn: UInt32
        public var source: Int32
        public var originalLine: UInt32
        public var originalColumn: UInt32
        public var name: Int32
    }

    /// Where a generated position came from (0-based line and column).
    public struct Location: Sendable, Equatable {
        public var sourceIndex: Int
        /// `sources[sourceIndex]` joined with `sourceRoot`, as the map names it.
        public var source: String
        public var line: Int
        public var column: Int
        public var name: String?
    }

    public let mappings: [Mapping]
    /// Each source's name with `sourceRoot` applied.
    public let sources: [String]
    public let names: [String]
    /// `sourcesContent` per source with its line index, nil where the map has none.
    public let sourcesContent: [SourceText?]
    init(mappings: [Mapping], sources: [String], names: [String], sourcesContent: [String?]) {
        self.mappings = mappings
        self.sources = sources
        self.names = names
        self.sourcesContent = sourcesContent.map { $0.map(SourceText.init) }
    }

    /// The mapping for a generated position (0-based line, 0-based UTF-16 column): the last one
    /// at or before it, possibly on an earlier line (as Sentry's `symbolic` answers); nil before
    /// the first mapping or when that mapping has no source.
    public func lookup(line: Int, column: Int) -> Location? {
        guard line >= 0, line <= Int(UInt32.max), column >= 0, !mappings.isEmpty else { return nil }
        // The last mapping at or before (line, column): one binary search over the sorted table
        // (no per-line index, whose size a hostile index map's offsets could blow up).
        let target = (UInt64(line) << 32) | UInt64(min(column, Int(UInt32.max)))
        var low = 0, high = mappings.count
        while low < high {
            let middle = (low + high) / 2
            let mapping = mappings[middle]
            if (UInt64(mapping.generatedLine) << 32) | UInt64(mapping.generatedColumn) <= target { low = middle + 1 } else { high = middle }
        }
        let index = low - 1
        guard index >= 0 else { return nil }
        let mapping = mappings[index]
        guard mapping.source >= 0, Int(mapping.source) < sources.count else { return nil }
        let name = mapping.name >= 0 && Int(mapping.name) < names.count ? names[Int(mapping.name)] : nil
        return Location(sourceIndex: Int(mapping.source), source: sources[Int(mapping.source)],
                        line: Int(mapping.originalLine), column: Int(mapping.originalColumn), name: name)
    }

    /// The original text of a source, if the map carries it.
    public func content(of sourceIndex: Int) -> SourceText? {
        sourceIndex >= 0 && sourceIndex < sourcesContent.count ? sourcesContent[sourceIndex] : nil
    }

    /// Roughly what the parsed map holds in memory, for the byte-bounded cache.
    public var approximateBytes: Int {
        var total = mappings.count * MemoryLayout<Mapping>.stride
        for source in sources { total += source.utf8.count + 16 }
        for name in names { total += name.utf8.count + 16 }
        for content in sourcesContent {
            total += (content?.text.utf8.count ?? 0) + (content?.lineCount ?? 0) * MemoryLayout<UInt32>.stride + 16
        }
        return total
    }
}
