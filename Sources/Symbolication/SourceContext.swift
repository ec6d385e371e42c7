/// The lines around a frame's line, as Sentry shows them: five before and after, each line
/// longer than 150 characters cut to 140 around the column with `{snip}` marks.
public struct SourceContext: Sendable, Equatable {
    public var pre: [String]
    public var line: String
    public var post: [String]

    /// Context for 0-based `line` and 0-based UTF-16 `column` of `source`; nil past its end, or
    /// when the column lies deeper than `SourceText.columnScanLimit` bytes into its line.
    public static func around(_ source: SourceText, line: Int, column: Int, lines count: Int = 5) -> SourceContext? {
        guard line >= 0, line < source.lineCount else { return nil }
        var text = source.text
        return text.withUTF8 { bytes -> SourceContext? in
            guard let columnOffset = source.byteOffset(bytes, line: line, utf16Column: column),
                  let currentRange = source.byteRange(ofLine: line) else { return nil }
            // Only what `trim` can show is decoded: lines longer than that are read as a prefix
            // that still holds over 1,000 characters past the column, so the cut is the same.
            func text(_ range: Range<Int>, through offset: Int) -> String {
                let stop = min(range.upperBound, max(offset, range.lowerBound) + 4096)
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<stop]), as: UTF8.self)
            }
            var pre: [String] = [], post: [String] = []
            for index in max(0, line - count)..<line {
                guard let range = source.byteRange(ofLine: index) else { continue }
                pre.append(trim(Substring(text(range, through: range.lowerBound)), column: 0))
            }
            let current = trim(Substring(text(currentRange, through: columnOffset)), column: column)
            for index in (line + 1)..<min(source.lineCount, line + 1 + count) {
                guard let range = source.byteRange(ofLine: index) else { continue }
                post.append(trim(Substring(text(range, through: range.lowerBound)), column: 0))
            }
            return SourceContext(pre: pre, line: current, post: post)
        }
    }

    /// Sentry's `trim_line`: lines up to 150 characters stay whole; longer ones keep 140
    /// characters from 60 before the column, rounded to the ends when within 5 of them.
    public static func trim(_ text: Substring, column: Int) -> String {
        var text = text
        if text.hasSuffix("\r") { text = text.dropLast() }
        // At most 150 bytes is at most 150 characters: nothing to cut.
        if text.utf8.count <= 150 { return String(text) }
        let scalars = Array(text.unicodeScalars)
        let length = scalars.count
        guard length > 150 else { return String(text) }
        // The column counts UTF-16 units; the cut counts characters as Sentry's Python does.
        var utf16 = 0, characterColumn = 0
        while characterColumn < length && utf16 < column {
            utf16 += scalars[characterColumn].utf16.count
            characterColumn += 1
        }
        var start = max(min(characterColumn, length) - 60, 0)
        if start < 5 { start = 0 }
        var end = min(start + 140, length)
        if end > length - 5 { end = length }
        if end == length { start = max(end - 140, 0) }
        var result = String(String.UnicodeScalarView(scalars[start..<end]))
        if end < length { result += " {snip}" }
        if start > 0 { result = "{snip} " + result }
        return result
    }
}
