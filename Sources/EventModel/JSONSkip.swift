/// Moving past a JSON value without building it, refusing exactly what `JSONParser` refuses
/// (syntax, nesting deeper than its limit, control characters and bad escapes in strings,
/// numbers beyond Double), so that locating a value costs no allocation yet accepts the same
/// documents as parsing it.
extension JSONParser.Reader {
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try skipObject(depth: depth + 1)
        case UInt8(ascii: "["): try skipArray(depth: depth + 1)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw fail("unexpected character")
        }
    }

    mutating func skipObject(depth: Int) throws(JSONParseError) {
        guard depth <= JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            try skipString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            try skipValue(depth: depth)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func skipArray(depth: Int) throws(JSONParseError) {
        guard depth <= JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            try skipValue(depth: depth)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func skipString() throws(JSONParseError) {
        index += 1
        while index < bytes.count {
            // Eight bytes at a time through the plain part of strings, most of an event's bytes.
            if index + 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
                let special = Self.specialBytes(word)
                if special == 0 { index += 8; continue }
                index += special.trailingZeroBitCount / 8
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; return }
            if byte < 0x20 { throw fail("control character in string") }
            index += 1
            guard byte == UInt8(ascii: "\\") else { continue }
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"):
                // A surrogate pair is two escapes in a row; each is checked on its own, as the parser does.
                _ = try hex4()
            default:
                throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }

    /// The high bit of each of eight bytes (little-endian) that is a quote, a backslash or a
    /// control character. Only the lowest set bit is exact (the zero-byte test of "Bit Twiddling
    /// Hacks" may also mark bytes above a match), which is all the scan needs: where to stop.
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func bytesBelow(_ word: UInt64, _ limit: UInt64) -> UInt64 { (word &- ones &* limit) & ~word & highBits }
        return bytesBelow(word, 0x20) | bytesBelow(word ^ (ones &* 0x22), 1) | bytesBelow(word ^ (ones &* 0x5C), 1)
    }

    mutating func skipNumber() throws(JSONParseError) {
        let start = index
        let syntax = try numberSyntax()
        // Without an exponent, fewer than 309 digits are always below Double's maximum; only the
        // rest need the conversion that refuses infinity.
        guard syntax.exponent || index - start > 300 else { return }
        index = start
        _ = try number()
    }
}
