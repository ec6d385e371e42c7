import Crypto

/// SHA-1 in lower-case hex, the address of a chunk and of an assembled file (sentry-cli's
/// `hashAlgorithm: sha1`).
public enum ChunkDigest {
    public static func sha1(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: Array(bytes))
        return hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }.joined()
    }

    /// Whether `text` is 40 hex digits (either case); the lower-cased form, or nil.
    public static func parse(_ text: String) -> String? {
        guard text.utf8.count == 40,
              text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }) else { return nil }
        return text.lowercased()
    }
}
