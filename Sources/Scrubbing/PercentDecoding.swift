/// Lenient `application/x-www-form-urlencoded` decoding, for the scrubber and the request
/// normalizer: `%XX` becomes its byte, `+` a space, and an invalid escape stays as it is (so `%zz`
/// cannot hide the rest of a text). One forward pass. Pure.
public enum PercentDecoding {
    /// The decoded text, or nil when there is nothing to decode.
    public static func decode(_ text: String) -> String? {
        var copy = text
        let hasEscapes = copy.withUTF8 { bytes in
            for byte in bytes where byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+") { return true }
            return false
        }
        guard hasEscapes else { return nil }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    @inline(__always) static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: return byte - 48
        case 65...70: return byte - 55
        case 97...102: return byte - 87
        default: return nil
        }
    }
}
