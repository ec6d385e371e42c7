import Foundation

/// A text prepared for matching: lower-cased and with `\` as `/` when the globs of its kind
/// compare so, plus its bytes when every character of it is one ASCII byte (no `\r`, which forms
/// one character with a following `\n`), for the byte-level path of `GlobMatcher`.
public enum GlobText {
    public static func prepare(_ value: String, lowercase: Bool = false, pathNormalize: Bool = false) -> (text: String, ascii: [UInt8]?) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            guard byte < 0x80, byte != UInt8(ascii: "\r") else {
                bytes = []
                break
            }
            if lowercase, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") {
                bytes.append(byte | 0x20)
            } else if pathNormalize, byte == UInt8(ascii: "\\") {
                bytes.append(UInt8(ascii: "/"))
            } else {
                bytes.append(byte)
            }
        }
        if bytes.count == value.utf8.count {
            return (lowercase || pathNormalize ? String(decoding: bytes, as: UTF8.self) : value, bytes)
        }
        var prepared = lowercase ? value.lowercased() : value
        if pathNormalize { prepared = prepared.replacingOccurrences(of: "\\", with: "/") }
        return (prepared, nil)
    }
}
