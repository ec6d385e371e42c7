import Foundation

/// RFC 3339 timestamps as Sentry SDKs write them, with or without fraction and zone.
public enum Timestamp {
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        // SDKs sometimes omit the zone: read as UTC.
        for suffix in ["Z"] where !text.hasSuffix("Z") && !text.contains("+") {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = formatter.date(from: text + suffix) { return date }
            formatter.formatOptions = [.withInternetDateTime]
            if let date = formatter.date(from: text + suffix) { return date }
        }
        return nil
    }

    /// `2024-01-02T03:04:05.678Z`, as Sentry's API writes dates.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
