import EventModel
import Foundation

/// Date values of `firstSeen:`, `lastSeen:` and `age:`, as Sentry reads them:
/// `-24h` within the last 24 hours, `+7d` more than 7 days ago (units m h d w);
/// `2024-01-31` that whole UTC day; `2024-01-31T10:00:00Z` a few minutes around that instant;
/// either after an operator (`>=2024-01-01`) to compare with it.
enum SearchDateParser {
    /// Relative dates reach back at most this far, so the result stays a valid timestamp.
    static let longestRelativeSeconds: Double = 100 * 365 * 86_400

    static func range(_ value: ScannedValue, key: String, now: Date) throws(SearchError) -> SearchDateRange {
        var text = Substring(value.text)
        var comparison: SearchComparison?
        for candidate in [SearchComparison.greaterOrEqual, .lessOrEqual, .greater, .less, .equal]
        where text.hasPrefix(candidate.rawValue) {
            comparison = candidate
            text = text.dropFirst(candidate.rawValue.count)
            break
        }
        let valuePosition = value.position + (value.quoted ? 1 : 0) + (comparison?.rawValue.count ?? 0)

        if let first = text.first, first == "-" || first == "+" {
            guard let seconds = relativeSeconds(text.dropFirst()) else {
                throw invalid(text, key: key, at: valuePosition)
            }
            guard comparison == nil else {
                throw SearchError(position: value.position, "A relative date such as \(text) takes no operator: -24h means within the last 24 hours, +24h more than 24 hours ago")
            }
            guard seconds <= longestRelativeSeconds else {
                throw SearchError(position: valuePosition, "\(text) is too far back: relative dates reach back at most 100 years")
            }
            let instant = now.addingTimeInterval(-seconds)
            return first == "-" ? .after(instant, inclusive: true) : .before(instant, inclusive: true)
        }

        guard let parsed = absolute(text) else { throw invalid(text, key: key, at: valuePosition) }
        let (instant, hasTime) = parsed
        switch comparison {
        case .greaterOrEqual?: return .after(instant, inclusive: true)
        case .greater?: return .after(instant, inclusive: false)
        case .lessOrEqual?: return .before(instant, inclusive: true)
        case .less?: return .before(instant, inclusive: false)
        case .equal?, .notEqual?, nil:
            // Sentry's reading of a bare date: the whole day, or from 5 minutes before to 6 after.
            return hasTime ? .between(instant.addingTimeInterval(-300), instant.addingTimeInterval(360))
                           : .between(instant, instant.addingTimeInterval(86_400))
        }
    }

    private static func invalid(_ text: Substring, key: String, at position: Int) -> SearchError {
        SearchError(position: position, "Invalid date for \"\(key)\": \"\(text)\"; expected -24h (within the last 24 hours), +7d (more than 7 days ago) or an ISO 8601 date such as 2024-01-31 or 2024-01-31T10:00:00Z")
    }

    /// `24h` → 86400; units m, h, d, w.
    private static func relativeSeconds(_ text: Substring) -> Double? {
        guard let unit = text.last, text.count >= 2, text.count <= 10 else { return nil }
        let digits = text.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let amount = Int(digits) else { return nil }
        let unitSeconds: Int
        switch unit {
        case "m": unitSeconds = 60
        case "h": unitSeconds = 3_600
        case "d": unitSeconds = 86_400
        case "w": unitSeconds = 7 * 86_400
        default: return nil
        }
        return Double(amount) * Double(unitSeconds)
    }

    /// `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fraction]]` and `Z` or `±HH[:MM]`
    /// (UTC when no zone is given). Returns the instant and whether a time was given.
    static func absolute(_ text: Substring) -> (Date, Bool)? {
        var reader = DigitReader(Array(text.unicodeScalars))
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
              let day = reader.number(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = Double(Timestamp.daysFromCivil(year: year, month: month, day: day)) * 86_400
        // Year 0 is no timestamp PostgreSQL takes (the query would fail with 500).
        guard year >= 1 else { return nil }
        if reader.isAtEnd { return (Date(timeIntervalSince1970: seconds), false) }

        guard reader.skip("T") || reader.skip("t") || reader.skip(" "),
              let hour = reader.number(2), reader.skip(":"), let minute = reader.number(2), hour < 24, minute < 60
        else { return nil }
        seconds += Double(hour * 3_600 + minute * 60)
        if reader.skip(":") {
            guard let second = reader.number(2), second < 60 else { return nil }
            seconds += Double(second)
            if reader.skip(".") {
                guard let fraction = reader.fraction() else { return nil }
                seconds += fraction
            }
        }
        if reader.skip("Z") || reader.skip("z") {
            // UTC.
        } else if let sign = reader.sign() {
            guard let hours = reader.number(2), hours <= 23 else { return nil }
            var minutes = 0
            if reader.skip(":") {
                guard let value = reader.number(2) else { return nil }
                minutes = value
            } else if let value = reader.number(2) {
                minutes = value
            }
            guard minutes < 60 else { return nil }
            seconds -= Double(sign * (hours * 3_600 + minutes * 60))
        }
        guard reader.isAtEnd, RequestDate.isSupported(Date(timeIntervalSince1970: seconds)) else { return nil }
        return (Date(timeIntervalSince1970: seconds), true)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private struct DigitReader {
        let scalars: [Unicode.Scalar]
        var index = 0
        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var isAtEnd: Bool { index >= scalars.count }

        mutating func skip(_ scalar: Unicode.Scalar) -> Bool {
            guard index < scalars.count, scalars[index] == scalar else { return false }
            index += 1
            return true
        }

        /// Exactly `count` ASCII digits.
        mutating func number(_ count: Int) -> Int? {
            guard index + count <= scalars.count else { return nil }
            var value = 0
            for scalar in scalars[index..<index + count] {
                guard let digit = Self.digit(scalar) else { return nil }
                value = value * 10 + digit
            }
            index += count
            return value
        }

        /// One or more digits after a decimal point, as a fraction of a second.
        mutating func fraction() -> Double? {
            var value = 0.0, scale = 1.0
            let start = index
            while index < scalars.count, let digit = Self.digit(scalars[index]) {
                if index - start < 9 { scale /= 10; value += Double(digit) * scale }
                index += 1
            }
            return index > start ? value : nil
        }

        mutating func sign() -> Int? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }

        private static func digit(_ scalar: Unicode.Scalar) -> Int? {
            guard ("0"..."9").contains(scalar) else { return nil }
            return Int(scalar.value) - 48
        }
    }
}
