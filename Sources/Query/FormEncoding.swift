/// `application/x-www-form-urlencoded` text, as forms send it in a POST body and a GET form's
/// query string (pure, linear): `name=value` pairs split on `&`, `+` and percent escapes decoded.
/// A GET form encodes a space as `+`, so a query string is read here, not through the router's
/// query parameters (which leave `+` as it is).
enum FormEncoding {
    /// The pairs in order; nil when a name or value is not valid percent-encoded UTF-8.
    static func pairs(_ text: String) -> [(name: String, value: String)]? {
        var result: [(name: String, value: String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else { return nil }
            result.append((name, value))
        }
        return result
    }

    private static func decode(_ part: Substring) -> String? {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// A value for a query string: everything but unreserved characters percent-encoded.
    static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    /// A query string of the pairs, empty values left out.
    static func query(_ pairs: [(String, String)]) -> String {
        pairs.filter { !$0.1.isEmpty }.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}

/// A dashboard page's query string, decoded (`+` and `%20` alike are spaces).
struct PageQuery {
    let pairs: [(name: String, value: String)]

    init(_ raw: String?) { pairs = FormEncoding.pairs(raw ?? "") ?? [] }

    subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
}
