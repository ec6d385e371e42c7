/// Arithmetic on counts that come from stored rows: a hostile or corrupt row may hold any
/// bigint, and Swift traps on overflow, so sums stop at the bounds instead (pure).
enum Saturating {
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }

    /// A PostgreSQL integer or `numeric` in text form (what `sum(bigint)` returns), clamped to
    /// Int64; nil when the text is not a whole number.
    static func int64(_ text: String) -> Int64? {
        if let value = Int64(text) { return value }
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        // numeric may print a whole value with a zero fraction (`12.000`).
        if let dot = digits.firstIndex(of: ".") {
            guard digits[digits.index(after: dot)...].allSatisfy({ $0 == "0" }) else { return nil }
            digits = digits[..<dot]
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if let value = Int64(digits) { return negative ? -value : value }
        return negative ? .min : .max
    }
}
