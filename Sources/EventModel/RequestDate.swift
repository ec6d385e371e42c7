import Foundation

/// Dates in query parameters and request bodies: RFC 3339 (`Timestamp.parse`) from year 1 to
/// 9999. Year 0 parses, but PostgreSQL refuses it (the request would fail with 500), and the
/// API writes dates with four digits of year.
public enum RequestDate {
    /// 0001-01-01T00:00:00Z.
    static let earliest: TimeInterval = -62_135_596_800

    public static func parse(_ text: String) -> Date? {
        guard let date = Timestamp.parse(text), isSupported(date) else { return nil }
        return date
    }

    public static func isSupported(_ date: Date) -> Bool {
        (earliest...Timestamp.formattable.upperBound).contains(date.timeIntervalSince1970)
    }
}
