/// Counts such as `times_seen:>100`, `timesSeen:<=1k`: an optional operator (`=` by default),
/// then a whole number with an optional k (thousand), m (million) or b (billion) suffix.
enum SearchNumberParser {
    static func comparison(_ value: ScannedValue, key: String) throws(SearchError) -> (SearchComparison, Int64) {
        var text = Substring(value.text)
        var comparison = SearchComparison.equal
        for candidate in [SearchComparison.greaterOrEqual, .lessOrEqual, .notEqual, .greater, .less, .equal]
        where text.hasPrefix(candidate.rawValue) {
            comparison = candidate
            text = text.dropFirst(candidate.rawValue.count)
            break
        }
        let position = value.position + (value.quoted ? 1 : 0) + (value.text.count - text.count)
        guard let number = number(text) else {
            throw SearchError(position: position, "Invalid number for \"\(key)\": \"\(text)\"; expected a whole number such as 100 or 1k")
        }
        return (comparison, number)
    }

    private static func number(_ text: Substring) -> Int64? {
        var digits = text
        var multiplier: Int64 = 1
        switch text.last {
        case "k"?, "K"?: multiplier = 1_000
        case "m"?, "M"?: multiplier = 1_000_000
        case "b"?, "B"?: multiplier = 1_000_000_000
        default: break
        }
        if multiplier > 1 { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let amount = Int64(digits) else { return nil }
        let (product, overflow) = amount.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
