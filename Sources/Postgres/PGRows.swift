import Foundation

/// A statement's result, read fully into memory in text format.
public struct PGRows: Sendable {
    public let columns: [String]
    public let values: [[String?]]
    /// Rows inserted, updated or deleted, for commands.
    public let affected: Int

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }

    public subscript(_ row: Int) -> PGRow { PGRow(columns: columns, values: values[row]) }
    public var rows: [PGRow] { values.map { PGRow(columns: columns, values: $0) } }
    public var first: PGRow? { values.first.map { PGRow(columns: columns, values: $0) } }
}

/// One row; columns are read by name and decoded from PostgreSQL's text format.
public struct PGRow: Sendable {
    public let columns: [String]
    public let values: [String?]

    public func raw(_ column: String) throws -> String? {
        guard let index = columns.firstIndex(of: column) else {
            throw PGError(.decode, "no column \(column) in result (\(columns.joined(separator: ", ")))")
        }
        return values[index]
    }

    public func string(_ column: String) throws -> String {
        guard let value = try raw(column) else { throw PGError(.decode, "column \(column) is NULL") }
        return value
    }

    public func optionalString(_ column: String) throws -> String? { try raw(column) }

    public func int(_ column: String) throws -> Int64 {
        let text = try string(column)
        guard let value = Int64(text) else { throw PGError(.decode, "column \(column): not an integer: \(text)") }
        return value
    }

    public func optionalInt(_ column: String) throws -> Int64? {
        guard let text = try raw(column) else { return nil }
        guard let value = Int64(text) else { throw PGError(.decode, "column \(column): not an integer: \(text)") }
        return value
    }

    public func bool(_ column: String) throws -> Bool { try string(column) == "t" }

    public func double(_ column: String) throws -> Double {
        let text = try string(column)
        guard let value = Double(text) else { throw PGError(.decode, "column \(column): not a number: \(text)") }
        return value
    }

    /// Reads a `timestamptz` rendered as ISO 8601 by the session's `DateStyle=ISO` and UTC zone.
    public func date(_ column: String) throws -> Date {
        let text = try string(column)
        guard let date = PGTimestampParser.parse(text) else { throw PGError(.decode, "column \(column): not a timestamp: \(text)") }
        return date
    }

    public func optionalDate(_ column: String) throws -> Date? {
        guard let text = try raw(column) else { return nil }
        guard let date = PGTimestampParser.parse(text) else { throw PGError(.decode, "column \(column): not a timestamp: \(text)") }
        return date
    }

    /// Reads a `bytea` in hex output format.
    public func bytes(_ column: String) throws -> [UInt8] {
        let text = try string(column)
        guard text.hasPrefix("\\x") else { throw PGError(.decode, "column \(column): not hex bytea") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((text.utf8.count - 2) / 2)
        var high: UInt8?
        for char in text.utf8.dropFirst(2) {
            let nibble: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = char - UInt8(ascii: "a") + 10
            default: throw PGError(.decode, "column \(column): bad hex")
            }
            if let h = high { bytes.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        return bytes
    }
}

enum PGTimestampParser {
    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]+00`.
    static func parse(_ text: String) -> Date? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(utf8[index]) - 48
                guard digit >= 0 && digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var index = 19
        var fraction = 0.0
        if index < utf8.count && utf8[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < utf8.count, utf8[index] >= 48, utf8[index] <= 57 {
                fraction += Double(utf8[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds = 0
        if index < utf8.count, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
            let sign = utf8[index] == UInt8(ascii: "-") ? -1 : 1
            let hours = index + 3 <= utf8.count ? number(index + 1..<index + 3) ?? 0 : 0
            var minutes = 0
            if index + 6 <= utf8.count, utf8[index + 3] == UInt8(ascii: ":") { minutes = number(index + 4..<index + 6) ?? 0 }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        return Date(timeIntervalSince1970: Double(epoch - offsetSeconds) + fraction)
    }
}
