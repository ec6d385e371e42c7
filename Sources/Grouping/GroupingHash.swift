import Crypto

/// Sentry's group hash: md5 over the UTF-8 bytes of the values, concatenated, as lower-case hex.
enum GroupingHash {
    static func md5(_ values: [String]) -> String {
        var md5 = Insecure.MD5()
        for value in values { md5.update(data: Array(value.utf8)) }
        return md5.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
