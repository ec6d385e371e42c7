import Foundation

/// RFC 3339 timestamps as Sentry SDKs write them, with or without fraction and zone (no zone
/// reads as UTC). Hand-parsed: every event has one, and `ISO8601DateFormatter` was a tenth of
/// the processor's CPU time.
public enum Timestamp {
    public static func parse(_ text: String) -> Date? {
        var bytes = Array(text.utf8)[...]
        func number(_ digits: Int) -> Int? {
            guard bytes.count >= digits else { return nil }
            var value = 0
            for byte in bytes.prefix(digits) {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            bytes = bytes.dropFirst(digits)
            return value
        }
        func expect(_ characters: Set<UInt8>) -> Bool {
            guard let first = bytes.first, characters.contains(first) else { return false }
            bytes = bytes.dropFirst()
            return true
        }
        guard let year = number(4), expect([45]), let month = number(2), expect([45]), let day = number(2),
              expect([84, 116, 32]), let hour = number(2), expect([58]), let minute = number(2), expect([58]),
              let second = number(2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if bytes.first == 46 {
            bytes = bytes.dropFirst()
            var scale = 0.1
            var any = false
            while let byte = bytes.first, byte >= 48 && byte <= 57 {
                fraction += Double(byte - 48) * scale
                scale /= 10
                any = true
                bytes = bytes.dropFirst()
            }
            guard any else { return nil }
        }
        var offset = 0
        if let sign = bytes.first {
            bytes = bytes.dropFirst()
            switch sign {
            case 90, 122:  // Z z
                break
            case 43, 45:  // + -
                guard let hours = number(2) else { return nil }
                _ = expect([58])
                guard let minutes = number(2) else { return nil }
                offset = (hours * 60 + minutes) * 60 * (sign == 45 ? -1 : 1)
            default:
                return nil
            }
        }
        guard bytes.isEmpty else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Unix seconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the instants `format`
    /// writes as they are (four digits of year).
    public static let formattable: ClosedRange<Double> = -62_167_219_200 ... 253_402_300_799.999

    /// `2024-01-02T03:04:05.678Z`, as Sentry's API writes dates. Hand-formatted: the API writes
    /// two per issue, and a formatter per call was most of an issue list's time. Total: an
    /// instant outside `formattable` (a stored breadcrumb's `1e300`) is written as the nearest
    /// bound, NaN as the epoch, instead of trapping in the conversion to Int64.
    public static func format(_ date: Date) -> String {
        let instant = date.timeIntervalSince1970
        let clamped = instant.isNaN ? 0 : min(max(instant, formattable.lowerBound), formattable.upperBound)
        let totalMilliseconds = Int64((clamped * 1000).rounded(.down))
        var days = totalMilliseconds / 86_400_000
        var milliseconds = totalMilliseconds % 86_400_000
        if milliseconds < 0 {
            milliseconds += 86_400_000
            days -= 1
        }
        let (year, month, day) = civilFromDays(Int(days))
        let seconds = Int(milliseconds / 1000)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func append(_ value: Int, digits: Int) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(48 + rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        append(year, digits: 4); bytes.append(45)
        append(month, digits: 2); bytes.append(45)
        append(day, digits: 2); bytes.append(84)
        append(seconds / 3600, digits: 2); bytes.append(58)
        append(seconds / 60 % 60, digits: 2); bytes.append(58)
        append(seconds % 60, digits: 2); bytes.append(46)
        append(Int(milliseconds % 1000), digits: 3); bytes.append(90)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
