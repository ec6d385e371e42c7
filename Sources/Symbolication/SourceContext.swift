/// The lines around a frame's line, as Sentry shows them: five before and after, each line
/// longer than 150 characters cut to 140 around the column with `{snip}` marks.
public struct SourceContext: Sendable, Equatable {
    public var pre: [String]
    public var line: String
    public var post: [String]

    /// Context for 0-based `line` and 0-based UTF-16 `column` of `source`; nil past its end.
    public static func around(_ source: String, line: Int, column: Int, lines count: Int = 5) -> SourceContext? {
        guard line >= 0 else { return nil }
        var source = source
        return source.withUTF8 { bytes -> SourceContext? in
            var end = bytes.count
            // As Python's `splitlines`, a final newline ends the last line instead of starting one.
            if end > 0, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
            var start = 0, index = 0
            var pre: [String] = [], current: String?, post: [String] = []
            // Only the wanted lines become strings; the others are skipped byte by byte.
            while true {
                var stop = start
                while stop < end && bytes[stop] != UInt8(ascii: "\n") { stop += 1 }
                if index >= line - count {
                    let text = Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self))
                    if index < line { pre.append(trim(text, column: 0)) }
                    else if index == line { current = trim(text, column: column) }
                    else { post.append(trim(text, column: 0)) }
                }
                if stop >= end || index >= line + count { break }
                start = stop + 1
                index += 1
            }
            guard let current else { return nil }
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
