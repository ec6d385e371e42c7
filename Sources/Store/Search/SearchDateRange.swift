import Foundation

/// The instants a date filter accepts: between optional bounds, each inclusive or not.
struct SearchDateRange: Equatable, Sendable {
    var lower: Date?
    var lowerInclusive: Bool = true
    var upper: Date?
    var upperInclusive: Bool = false

    static func after(_ date: Date, inclusive: Bool) -> SearchDateRange {
        SearchDateRange(lower: date, lowerInclusive: inclusive)
    }

    static func before(_ date: Date, inclusive: Bool) -> SearchDateRange {
        SearchDateRange(upper: date, upperInclusive: inclusive)
    }

    /// From `start` (inclusive) to `end` (exclusive).
    static func between(_ start: Date, _ end: Date) -> SearchDateRange {
        SearchDateRange(lower: start, lowerInclusive: true, upper: end, upperInclusive: false)
    }
}
