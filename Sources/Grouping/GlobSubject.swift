import Foundation

/// A string prepared once for matching against many globs: lower-cased and with `\` turned into
/// `/` as the globs of its kind expect, and its bytes when it can take the byte-level fast path.
/// Stack trace rules test every frame against dozens of globs, so the preparation is done per
/// frame, not per glob.
struct GlobSubject: Sendable, Equatable {
    /// The prepared text.
    let text: String
    /// The prepared text's bytes when every character of it is a single ASCII byte (no `\r`, which
    /// forms one character with a following `\n`); nil sends matching down the character path.
    let ascii: [UInt8]?

    init(_ value: String, lowercase: Bool = false, pathNormalize: Bool = false) {
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
            ascii = bytes
            text = lowercase || pathNormalize ? String(decoding: bytes, as: UTF8.self) : value
        } else {
            // The general rules, as the glob used to apply them to each text it was given.
            var prepared = lowercase ? value.lowercased() : value
            if pathNormalize { prepared = prepared.replacingOccurrences(of: "\\", with: "/") }
            text = prepared
            ascii = nil
        }
    }
}
