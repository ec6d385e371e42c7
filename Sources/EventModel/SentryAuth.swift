/// The fields of an `X-Sentry-Auth` / `Authorization: Sentry …` header or of `?sentry_key=` query
/// parameters.
public struct SentryAuth: Sendable, Equatable {
    public var publicKey: String
    public var version: String?
    public var client: String?

    public init(publicKey: String, version: String? = nil, client: String? = nil) {
        self.publicKey = publicKey
        self.version = version
        self.client = client
    }

    /// Parses `Sentry sentry_key=…, sentry_version=7, sentry_client=…`. Returns nil when the
    /// header is not a Sentry auth header or names no key.
    public static func parseHeader(_ header: String) -> SentryAuth? {
        // Headers are ASCII in practice, where bytes and Characters agree; anything else keeps
        // the Character-wise reading (Unicode lowercasing, grapheme clusters).
        let fields = header.utf8.allSatisfy { $0 < 0x80 } ? asciiHeaderFields(header) : unicodeHeaderFields(header)
        return fields.flatMap(from)
    }

    /// The header's `name=value` fields, read on UTF-8 bytes; nil when it is not a Sentry header.
    static func asciiHeaderFields(_ header: String) -> [String: String]? {
        var header = header
        return header.withUTF8 { bytes -> [String: String]? in
            var start = 0
            while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
            func hasPrefix(_ prefix: StaticString) -> Bool {
                guard bytes.count - start >= prefix.utf8CodeUnitCount else { return false }
                for offset in 0..<prefix.utf8CodeUnitCount where asciiLowercased(bytes[start + offset]) != prefix.utf8Start[offset] {
                    return false
                }
                return true
            }
            if hasPrefix("sentry ") {
                start += 7
            } else if !hasPrefix("sentry_") {
                return nil
            }
            var fields: [String: String] = [:]
            var pairStart = start
            for index in start...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ",") {
                if let (name, value) = field(bytes, pairStart..<index) { fields[name] = value }
                pairStart = index + 1
            }
            return fields
        }
    }

    /// `name=value` split and trimmed as `split(separator: "=", maxSplits: 1)` does: leading `=`
    /// are empty pieces that do not count, and a field needs a non-empty name and value.
    private static func field(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (String, String)? {
        var nameStart = range.lowerBound
        while nameStart < range.upperBound, bytes[nameStart] == UInt8(ascii: "=") { nameStart += 1 }
        var nameEnd = nameStart
        while nameEnd < range.upperBound, bytes[nameEnd] != UInt8(ascii: "=") { nameEnd += 1 }
        guard nameStart < nameEnd, nameEnd + 1 < range.upperBound else { return nil }
        let name = trimmedSpaces(bytes, nameStart..<nameEnd)
        let value = trimmedSpaces(bytes, nameEnd + 1..<range.upperBound)
        return (String(decoding: name.lazy.map(asciiLowercased), as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    private static func trimmedSpaces(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Slice<UnsafeBufferPointer<UInt8>> {
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return bytes[lower..<upper]
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// The header's fields read Character by Character, for headers with non-ASCII text.
    static func unicodeHeaderFields(_ header: String) -> [String: String]? {
        var text = Substring(header).drop(while: { $0 == " " })
        guard text.lowercased().hasPrefix("sentry ") || text.lowercased().hasPrefix("sentry_") else { return nil }
        if text.lowercased().hasPrefix("sentry ") { text = text.dropFirst(7) }
        var fields: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            fields[parts[0].trimmingSpaces.lowercased()] = parts[1].trimmingSpaces
        }
        return fields
    }

    /// Reads `sentry_key`, `sentry_version`, `sentry_client` from query parameters.
    public static func from(_ fields: [String: String]) -> SentryAuth? {
        guard let key = fields["sentry_key"], !key.isEmpty else { return nil }
        return SentryAuth(publicKey: key, version: fields["sentry_version"], client: fields["sentry_client"])
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
