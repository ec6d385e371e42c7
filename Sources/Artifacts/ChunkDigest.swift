import Crypto
import Foundation

/// SHA-1 in lower-case hex, the address of a chunk and of an assembled file (sentry-cli's
/// `hashAlgorithm: sha1`).
public enum ChunkDigest {
    public static func sha1(_ bytes: [UInt8]) -> String {
        var stream = SHA1Stream()
        stream.update(bytes)
        return stream.hex()
    }

    /// Whether `text` is 40 hex digits (either case); the lower-cased form, or nil.
    public static func parse(_ text: String) -> String? {
        guard text.utf8.count == 40,
              text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }) else { return nil }
        return text.lowercased()
    }
}

/// SHA-1 over bytes that arrive in pieces (a file assembled from its chunks, read one at a time).
public struct SHA1Stream {
    private var hasher = Insecure.SHA1()

    public init() {}

    public mutating func update(_ bytes: [UInt8]) { hasher.update(data: bytes) }

    public func hex() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in hasher.finalize() { text += [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]] }
        return String(decoding: text, as: UTF8.self)
    }
}
