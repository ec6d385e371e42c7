/// A regular expression that runs in time linear in its input (a Pike VM over Unicode scalars,
/// O(text × program) with a bounded program), for the patterns users put in PII rules and for the
/// built-in rules. Swift's Regex and NSRegularExpression backtrack, so they never see user
/// patterns or event text. The syntax is the part of Rust's `regex` crate (what Sentry's relay
/// runs) that rules use: literals and escapes, classes (`[a-z]`, `[^…]`, `\d \w \s`, `[[:alpha:]]`),
/// `.`, `* + ? {m} {m,} {m,n}` (greedy and lazy), alternation, capturing / non-capturing / named
/// groups, `^ $ \A \z \b \B`, and the flags `i m s x` (`(?i)`, `(?i:…)`). Backreferences and
/// look-around are refused, as the `regex` crate refuses them. Semantics are leftmost-first, as in
/// Rust. Pure and Sendable.
public struct LinearRegex: Sendable {
    /// Instructions a compiled pattern may use: bounds the per-character cost of a match.
    public static let programLimit = 20_000

    let program: [RegexInstruction]
    let sets: [RegexCharSet]
    /// Capturing groups, group 0 (the whole match) included.
    public let groupCount: Int

    public init(_ pattern: String) throws(RegexSyntaxError) {
        var parser = RegexParser(pattern)
        let node = try parser.parse()
        var compiler = RegexCompiler(limit: Self.programLimit)
        try compiler.compile(node, groups: parser.groupCount)
        program = compiler.program
        sets = compiler.sets
        groupCount = parser.groupCount + 1
    }

    /// One match: each group's range in Unicode scalar offsets (nil when the group did not take part).
    public struct Match: Sendable, Equatable {
        public var groups: [Range<Int>?]
        public var range: Range<Int> { groups[0] ?? 0..<0 }
    }

    public func isMatch(_ text: String) -> Bool { firstMatch(in: Array(text.unicodeScalars), from: 0) != nil }

    /// Every non-overlapping match, left to right (as Rust's `captures_iter`).
    public func matches(in text: String) -> [Match] { matches(in: Array(text.unicodeScalars)) }

    public func matches(in scalars: [Unicode.Scalar]) -> [Match] {
        var result: [Match] = []
        var start = 0
        var lastEnd: Int?
        while start <= scalars.count, let match = firstMatch(in: scalars, from: start) {
            let range = match.range
            if range.isEmpty, range.lowerBound == lastEnd {
                // An empty match where the previous one ended is not reported (Rust's rule).
                start = range.lowerBound + 1
                continue
            }
            result.append(match)
            lastEnd = range.upperBound
            start = range.isEmpty ? range.upperBound + 1 : range.upperBound
        }
        return result
    }

    /// The leftmost-first match starting at or after `start`.
    public func firstMatch(in text: [Unicode.Scalar], from start: Int) -> Match? {
        let slots = groupCount * 2
        var current = ThreadList(capacity: program.count)
        var next = ThreadList(capacity: program.count)
        var matched: [Int]?
        var position = start
        var stack: [(Int, [Int])] = []
        while true {
            if matched == nil {
                add(&current, pc: 0, captures: [Int](repeating: -1, count: slots), at: position, text, &stack)
            }
            if current.threads.isEmpty {
                // Nothing alive here: try the next start position, unless a match is settled.
                if matched != nil || position >= text.count { break }
                position += 1
                current.clear()
                continue
            }
            next.clear()
            let scalar: Unicode.Scalar? = position < text.count ? text[position] : nil
            for (pc, captures) in current.threads {
                switch program[pc] {
                case .match:
                    matched = captures
                    break  // lower-priority threads are cut below
                case .scalar(let wanted):
                    if let scalar, scalar.value == wanted { add(&next, pc: pc + 1, captures: captures, at: position + 1, text, &stack) }
                case .set(let index):
                    if let scalar, sets[index].contains(scalar) { add(&next, pc: pc + 1, captures: captures, at: position + 1, text, &stack) }
                case .any(let dotAll):
                    if let scalar, dotAll || scalar != "\n" { add(&next, pc: pc + 1, captures: captures, at: position + 1, text, &stack) }
                default:
                    break
                }
                if case .match = program[pc] { break }
            }
            swap(&current, &next)
            if position >= text.count || (current.threads.isEmpty && matched != nil) { break }
            position += 1
        }
        guard let captures = matched else { return nil }
        var groups: [Range<Int>?] = []
        for group in 0..<groupCount {
            let (low, high) = (captures[group * 2], captures[group * 2 + 1])
            groups.append(low >= 0 && high >= low ? low..<high : nil)
        }
        return Match(groups: groups)
    }

    /// The ε-closure of `pc` at `position`, in priority order (an explicit stack, so a large
    /// program cannot overflow the thread's stack).
    private func add(_ list: inout ThreadList, pc: Int, captures: [Int], at position: Int, _ text: [Unicode.Scalar],
                     _ stack: inout [(Int, [Int])]) {
        stack.removeAll(keepingCapacity: true)
        stack.append((pc, captures))
        while let (pc, captures) = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .jump(let target):
                stack.append((target, captures))
            case .split(let first, let second):
                stack.append((second, captures))
                stack.append((first, captures))
            case .save(let slot):
                var copy = captures
                copy[slot] = position
                stack.append((pc + 1, copy))
            case .assert(let assertion):
                if assertion.holds(text, at: position) { stack.append((pc + 1, captures)) }
            default:
                list.threads.append((pc, captures))
            }
        }
    }
}

/// The threads of one step: a sparse set of program counters, with each thread's captures.
struct ThreadList {
    var threads: [(Int, [Int])] = []
    private var seen: [Int]
    private var generation = 1

    init(capacity: Int) { seen = [Int](repeating: 0, count: capacity) }

    /// False when `pc` is already in the list.
    mutating func insert(_ pc: Int) -> Bool {
        if seen[pc] == generation { return false }
        seen[pc] = generation
        return true
    }

    mutating func clear() {
        threads.removeAll(keepingCapacity: true)
        generation &+= 1
    }
}

enum RegexInstruction: Sendable {
    case scalar(UInt32)
    case set(Int)
    case any(dotAll: Bool)
    case split(Int, Int)
    case jump(Int)
    case save(Int)
    case assert(RegexAssertion)
    case match
}

enum RegexAssertion: Sendable {
    case lineStart, lineEnd, textStart, textEnd, wordBoundary, notWordBoundary

    func holds(_ text: [Unicode.Scalar], at position: Int) -> Bool {
        let before: Unicode.Scalar? = position > 0 && position <= text.count ? text[position - 1] : nil
        let after: Unicode.Scalar? = position < text.count ? text[position] : nil
        switch self {
        case .textStart: return position == 0
        case .textEnd: return position >= text.count
        case .lineStart: return before == nil || before == "\n"
        case .lineEnd: return after == nil || after == "\n"
        case .wordBoundary, .notWordBoundary:
            let boundary = (before.map(RegexCharSet.isWord) ?? false) != (after.map(RegexCharSet.isWord) ?? false)
            return self == .wordBoundary ? boundary : !boundary
        }
    }
}

/// Why a pattern is refused, in words close to the `regex` crate's.
public struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
