extension FixedWidthInteger {
    /// Adds, stopping at the type's bounds instead of trapping: for sums of quantities that
    /// come from requests.
    mutating func addSaturating(_ other: Self) {
        let (sum, overflow) = addingReportingOverflow(other)
        self = overflow ? (other > 0 ? .max : .min) : sum
    }
}
