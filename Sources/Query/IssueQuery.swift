import Foundation

/// The part of Sentry's issue search this version understands: `is:<status>` and free text.
/// The full syntax is the Query issue's work.
struct IssueQuery {
    var statuses: [String]?
    var text: String?

    static func parse(_ query: String?) throws -> IssueQuery {
        var result = IssueQuery()
        var words: [String] = []
        for token in (query ?? "is:unresolved").split(separator: " ") {
            if token.hasPrefix("is:") {
                let status = String(token.dropFirst(3))
                guard ["unresolved", "resolved", "ignored"].contains(status) else {
                    throw QueryError(.badRequest, "Invalid value for is: \(status)")
                }
                result.statuses = (result.statuses ?? []) + [status]
            } else {
                words.append(String(token))
            }
        }
        if !words.isEmpty { result.text = words.joined(separator: " ") }
        return result
    }

    /// `24h`, `14d`, `30m`, `2w` → seconds.
    static func period(_ text: String?) throws -> TimeInterval? {
        guard let text, !text.isEmpty else { return nil }
        guard let unit = text.last, let amount = Int(text.dropLast()), amount >= 0, amount <= 1_000_000 else {
            throw QueryError(.badRequest, "Invalid statsPeriod: \(text)")
        }
        let seconds: Int
        switch unit {
        case "s": seconds = amount
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3600
        case "d": seconds = amount * 86400
        case "w": seconds = amount * 7 * 86400
        default: throw QueryError(.badRequest, "Invalid statsPeriod: \(text)")
        }
        // Sentry keeps 90 days; a longer period is refused rather than overflowing dates.
        guard seconds <= 90 * 86400 else { throw QueryError(.badRequest, "Invalid statsPeriod: \(text) is longer than 90 days") }
        return TimeInterval(seconds)
    }
}
