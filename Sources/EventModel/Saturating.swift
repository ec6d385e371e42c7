/// Arithmetic on numbers from outside (events, client reports, stored rows) that stops at the
/// type's bounds instead of trapping: counters and sums are better capped than a crashed worker.
public enum Saturating {
    public static func add<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }

    public static func subtract<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        guard overflow else { return difference }
        return b > 0 ? .min : .max
    }

    /// A PostgreSQL integer or `numeric` in text form (what `sum(bigint)` returns), clamped to
    /// Int64; nil when the text is not a whole number.
    public static func int64(_ text: String) -> Int64? {
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
