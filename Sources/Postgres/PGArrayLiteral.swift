/// PostgreSQL's text form of a one-dimensional array, `{"a","b\"c",NULL}`, built on UTF-8 bytes.
/// Every element is quoted, so only `"` and `\` need a backslash; both are ASCII and never part
/// of a multi-byte sequence, so escaping bytes escapes exactly those characters.
enum PGArrayLiteral {
    static func text(_ elements: [String?]) -> String {
        var elements = elements
        var size = 2 + max(0, elements.count - 1)
        for index in elements.indices {
            size += elements[index]?.utf8.count ?? 4
            // Quotes around it, plus one byte per escape.
            if elements[index] != nil { size += 2 + escapes(in: &elements[index]!) }
        }
        return String(unsafeUninitializedCapacity: size) { buffer in
            var end = 0
            func put(_ byte: UInt8) { buffer[end] = byte; end += 1 }
            put(UInt8(ascii: "{"))
            for index in elements.indices {
                if index > 0 { put(UInt8(ascii: ",")) }
                guard elements[index] != nil else {
                    for byte in "NULL".utf8 { put(byte) }
                    continue
                }
                put(UInt8(ascii: "\""))
                elements[index]!.withUTF8 { utf8 in
                    for byte in utf8 {
                        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { put(UInt8(ascii: "\\")) }
                        put(byte)
                    }
                }
                put(UInt8(ascii: "\""))
            }
            put(UInt8(ascii: "}"))
            return end
        }
    }

    /// How many `"` and `\` bytes the element holds.
    private static func escapes(in element: inout String) -> Int {
        element.withUTF8 { utf8 in
            var count = 0
            for byte in utf8 where byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { count += 1 }
            return count
        }
    }
}
