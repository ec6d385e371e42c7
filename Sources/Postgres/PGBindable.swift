import Foundation

/// A value that can be sent as a statement parameter, in PostgreSQL's text format.
/// Parameters are always sent apart from the SQL text, never spliced into it.
public protocol PGBindable: Sendable {
    var pgText: String? { get }
}

extension String: PGBindable { public var pgText: String? { self } }
extension Int: PGBindable { public var pgText: String? { String(self) } }
extension Int32: PGBindable { public var pgText: String? { String(self) } }
extension Int64: PGBindable { public var pgText: String? { String(self) } }
extension Double: PGBindable { public var pgText: String? { String(self) } }
extension Bool: PGBindable { public var pgText: String? { self ? "t" : "f" } }
extension UUID: PGBindable { public var pgText: String? { uuidString.lowercased() } }

extension Date: PGBindable {
    public var pgText: String? { PGTimestamp.format(self) }
}

extension Optional: PGBindable where Wrapped: PGBindable {
    public var pgText: String? { self.flatMap { $0.pgText } }
}

/// `bytea`, sent as hex.
public struct PGBytes: PGBindable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var pgText: String? {
        var text = "\\x"
        text.reserveCapacity(2 + bytes.count * 2)
        let digits = Array("0123456789abcdef")
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }
}

/// A one-dimensional array literal, for bulk writes with `unnest($1::text[], …)`.
public struct PGArray: PGBindable {
    public let elements: [String?]
    public init<T: PGBindable>(_ values: [T]) { elements = values.map(\.pgText) }
    public var pgText: String? { PGArrayLiteral.text(elements) }
}

enum PGTimestamp {
    static func format(_ date: Date) -> String {
        // Microsecond precision, UTC, in the form PostgreSQL parses for timestamptz.
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let seconds = Int64((micros / 1_000_000).rounded(.down))
        let fraction = Int(Int64(micros) - seconds * 1_000_000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else {
            return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", year, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                          Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
        }
        // By hand: every event writes two, and String(format:) cost more than the rest of the row.
        return String(unsafeUninitializedCapacity: 29) { buffer in
            var end = 0
            func digits(_ value: Int, _ width: Int) {
                var value = value
                for position in stride(from: end + width - 1, through: end, by: -1) {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                end += width
            }
            func put(_ character: Unicode.Scalar) { buffer[end] = UInt8(ascii: character); end += 1 }
            digits(year, 4); put("-"); digits(Int(parts.tm_mon) + 1, 2); put("-"); digits(Int(parts.tm_mday), 2)
            put(" "); digits(Int(parts.tm_hour), 2); put(":"); digits(Int(parts.tm_min), 2); put(":")
            digits(Int(parts.tm_sec), 2); put("."); digits(fraction, 6); put("+"); put("0"); put("0")
            return end
        }
    }
}
