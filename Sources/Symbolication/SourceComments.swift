/// The trailing comments of a minified file that name its source map (`//# sourceMappingURL=`)
/// and its debug ID (`//# debugId=`, written by `sentry-cli sourcemaps inject`). They sit among the
/// last lines; the scan stops at the first line from the end that is code, so it is linear.
public enum SourceComments {
    public static func sourceMappingURL(_ bytes: [UInt8]) -> String? { value(of: "sourceMappingURL", in: bytes) }
    public static func debugID(_ bytes: [UInt8]) -> String? { value(of: "debugId", in: bytes) }

    static func value(of key: String, in bytes: [UInt8]) -> String? {
        let keyBytes = Array(key.utf8) + [UInt8(ascii: "=")]
        var end = bytes.count
        while end > 0 {
            var start = end
            while start > 0 && bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
            let line = trim(bytes[start..<end])
            end = start - 1
            if line.isEmpty { continue }
            guard line.count >= 3, line[line.startIndex] == UInt8(ascii: "/"), line[line.startIndex + 1] == UInt8(ascii: "/") else {
                return nil   // code: the comments are only after the last of it
            }
            let marker = line[line.startIndex + 2]
            guard marker == UInt8(ascii: "#") || marker == UInt8(ascii: "@") else { continue }
            let rest = trim(line[(line.startIndex + 3)...])
            guard rest.starts(with: keyBytes) else { continue }
            let value = trim(rest[(rest.startIndex + keyBytes.count)...])
            return value.isEmpty ? nil : String(decoding: value, as: UTF8.self)
        }
        return nil
    }

    static func trim(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = slice
        while let first = slice.first, first == 32 || first == 9 || first == 13 { slice = slice.dropFirst() }
        while let last = slice.last, last == 32 || last == 9 || last == 13 { slice = slice.dropLast() }
        return slice
    }
}
