import Foundation

/// Sentry's string match operators of the tag and attribute filters (`MatchType`): equals,
/// starts/ends with, contains, is set, and their negations, `in`/`not in` a comma list. Linear
/// in the lengths: no patterns, no regex.
public enum TextMatch: String, Sendable, CaseIterable {
    case equal = "eq", notEqual = "ne"
    case startsWith = "sw", notStartsWith = "nsw"
    case endsWith = "ew", notEndsWith = "new"
    case contains = "co", notContains = "nc"
    case isSet = "is", notSet = "ns"
    case isIn = "in", notIn = "nin"

    /// Whether `values` (a tag can repeat; an attribute can be a list) match `expected`. Sentry
    /// compares case-insensitively.
    public func matches(_ values: [String], _ expected: String) -> Bool {
        let wanted = expected.lowercased()
        let values = values.map { $0.lowercased() }
        switch self {
        case .isSet: return !values.isEmpty
        case .notSet: return values.isEmpty
        case .equal: return values.contains(wanted)
        case .notEqual: return !values.contains(wanted)
        case .startsWith: return values.contains { $0.hasPrefix(wanted) }
        case .notStartsWith: return !values.contains { $0.hasPrefix(wanted) }
        case .endsWith: return values.contains { $0.hasSuffix(wanted) }
        case .notEndsWith: return !values.contains { $0.hasSuffix(wanted) }
        case .contains: return values.contains { $0.contains(wanted) }
        case .notContains: return !values.contains { $0.contains(wanted) }
        case .isIn:
            let list = Set(wanted.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            return values.contains { list.contains($0) }
        case .notIn:
            let list = Set(wanted.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            return !values.contains { list.contains($0) }
        }
    }
}
