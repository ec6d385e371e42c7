/// Decodes the Base64 VLQ numbers of a source map's `mappings`. Values from outside may be
/// absurd: a number longer than 7 digits (beyond 32 bits) is refused instead of overflowing.
enum Base64VLQ {
    /// 0–63 for a Base64 digit, -1 for anything else.
    static let digits: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = Int8(value)
        }
        return table
    }()

    /// The number starting at `position` in `bytes`, advancing `position` past it; nil on a
    /// bad digit, a truncated number or one that does not fit 32 bits.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int) -> Int64? {
        digits.withUnsafeBufferPointer { decode(bytes, &position, $0) }
    }

    /// As above with the digit table at hand (the parser's loop passes it once for all numbers).
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, _ digits: UnsafeBufferPointer<Int8>) -> Int64? {
        var result: Int64 = 0
        var shift: Int64 = 0
        while position < bytes.count {
            let digit = digits[Int(bytes[position])]
            guard digit >= 0 else { return nil }
            position += 1
            result |= Int64(digit & 31) << shift
            if digit & 32 == 0 {
                let magnitude = result >> 1
                return result & 1 == 1 ? -magnitude : magnitude
            }
            shift += 5
            guard shift < 35 else { return nil }
        }
        return nil
    }
}
