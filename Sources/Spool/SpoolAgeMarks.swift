/// When records were appended, coarsely, for the "oldest unforwarded record" age: one mark
/// (first sequence, Unix ms) per tenth of a second of appends, at most `capacity` marks (beyond
/// that no new mark is added, so the age reads older than it is, never younger).
struct SpoolAgeMarks {
    static let resolutionMillis: UInt64 = 100
    static let capacity = 100_000

    private var marks: [(sequence: UInt64, millis: UInt64)] = []
    private var head = 0

    mutating func add(sequence: UInt64, millis: UInt64, force: Bool = false) {
        if !force, let last = marks.last, millis &- last.millis < Self.resolutionMillis, millis >= last.millis { return }
        guard marks.count - head < Self.capacity else { return }
        marks.append((sequence, millis))
    }

    /// Drops marks of records all forwarded: the first remaining mark covers the first
    /// unforwarded record.
    mutating func forwarded(upTo sequence: UInt64) {
        while marks.count - head >= 2, marks[head + 1].sequence <= sequence &+ 1 { head += 1 }
        if head > 1024, head * 2 > marks.count {
            marks.removeFirst(head)
            head = 0
        }
    }

    /// Seconds since the first remaining mark (0 without marks or with a clock that went back).
    func age(nowMillis: UInt64) -> Double {
        guard head < marks.count, nowMillis > marks[head].millis else { return 0 }
        return Double(nowMillis - marks[head].millis) / 1000
    }
}
