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
}
