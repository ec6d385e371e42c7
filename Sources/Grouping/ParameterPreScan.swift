/// A cheap test that a text has nothing `MessageParameterizer` would replace, so the regex (ICU,
/// the costliest step of grouping an event) can be skipped for plain messages like
/// "upstream refused connection while fetching /api/cart".
///
/// Only ASCII text is judged (ICU's `\d`, `\w` and `\b` are Unicode-aware). For it, every kind
/// needs one of: an ASCII digit (ints, floats, durations, dates, IPv4, traceparents, hex with a
/// digit); `@` (emails); `:` (URLs, IPv6); `.` before a letter (hostnames, `datetime.datetime(`);
/// `=` (quoted strings, booleans); or eight hex letters in a row (hex, UUIDs, md5/sha1 without
/// digits). Keep this in step with the patterns when they change.
enum ParameterPreScan {
    static func mayContainParameters(_ text: String) -> Bool {
        var hexLetters = 0
        var afterDot = false
        for byte in text.utf8 {
            switch byte {
            case 0x80...,
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "@"), UInt8(ascii: ":"), UInt8(ascii: "="):
                return true
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if afterDot { return true }
                let isHex = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "f")
                hexLetters = isHex ? hexLetters + 1 : 0
                if hexLetters >= 8 { return true }
            default:
                hexLetters = 0
            }
            afterDot = byte == UInt8(ascii: ".")
        }
        return false
    }
}
