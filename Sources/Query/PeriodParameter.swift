import Foundation

/// Sentry's period and interval parameters (`statsPeriod=24h`, `interval=1d`): a number with `s`,
/// `m`, `h`, `d` or `w`.
enum PeriodParameter {
    /// Seconds; a bare number is seconds.
    static func seconds(_ text: String) -> Int? {
        let unit = text.last.flatMap { $0.isLetter ? $0 : nil }
        let digits = unit == nil ? Substring(text) : text.dropLast()
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let amount = Int(digits) else { return nil }
        switch unit {
        case nil, "s"?: return amount
        case "m"?: return amount * 60
        case "h"?: return amount * 3600
        case "d"?: return amount * 86400
        case "w"?: return amount * 7 * 86400
        default: return nil
        }
    }

    /// `statsPeriod` of the issue list and aggregates: a unit is required, 90 days at most.
    static func statsPeriod(_ text: String?) throws -> TimeInterval? {
        guard let text, !text.isEmpty else { return nil }
        guard text.last?.isLetter == true, let seconds = seconds(text) else {
            throw QueryError(.badRequest, "Invalid statsPeriod: \(text)")
        }
        // Sentry keeps 90 days; a longer period is refused rather than overflowing dates.
        guard seconds <= 90 * 86400 else { throw QueryError(.badRequest, "Invalid statsPeriod: \(text) is longer than 90 days") }
        return TimeInterval(seconds)
    }
}
