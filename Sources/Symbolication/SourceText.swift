/// An original source (a source map's `sourcesContent` entry) with where each of its lines
/// starts, computed once when the map is parsed. Source context and the enclosing-function search
/// run for every frame of every event; with the index each finds its line at once instead of
/// scanning the source from the top per frame.
public struct SourceText: Sendable, Equatable {
    public let text: String
    /// UTF-8 offset of each line's first byte. As Python's `splitlines`, a final newline ends the
    /// last line instead of starting one.
    let lineStarts: [UInt32]
    /// UTF-8 length of the text without a final newline.
    let end: Int

    /// Past this many bytes from a line's start, a column is not looked for: a position deep in
    /// a hostile multi-megabyte line gets no context rather than a scan per frame.
    public static let columnScanLimit = 64 * 1024

    public init(_ text: String) {
        var text = text
        var starts: [UInt32] = [0]
        let end = text.withUTF8 { bytes -> Int in
            var end = bytes.count
            if end > 0, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
            for index in 0..<end where bytes[index] == UInt8(ascii: "\n") {
                // Sources are bounded far below 4 GiB by the artifact limits; stop indexing
                // rather than trap if one were not.
                guard let start = UInt32(exactly: index + 1) else { break }
                starts.append(start)
            }
            return end
        }
        self.text = text
        self.lineStarts = starts
        self.end = end
    }

    public var lineCount: Int { lineStarts.count }

    /// The UTF-8 byte range of 0-based `line` (without its newline), nil past the end.
    func byteRange(ofLine line: Int) -> Range<Int>? {
        guard line >= 0, line < lineStarts.count else { return nil }
        let start = Int(lineStarts[line])
        let stop = line + 1 < lineStarts.count ? Int(lineStarts[line + 1]) - 1 : end
        return start..<max(start, stop)
    }

    /// The UTF-8 offset of 0-based `line` and UTF-16 `utf16Column`, clamped to the line's end;
    /// nil past the last line or when the column lies beyond `columnScanLimit` bytes.
    func byteOffset(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, utf16Column: Int) -> Int? {
        guard let range = byteRange(ofLine: line) else { return nil }
        var index = range.lowerBound, units = 0
        let limit = min(range.upperBound, range.lowerBound + Self.columnScanLimit)
        while index < limit, units < utf16Column {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
            units += length == 4 ? 2 : 1
            index += length
        }
        if units < utf16Column && index < range.upperBound { return nil }
        return min(index, range.upperBound)
    }
}
