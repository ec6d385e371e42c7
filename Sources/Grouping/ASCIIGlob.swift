/// A glob compiled for ASCII subjects: the same backtracking as `Glob`'s character matcher, on
/// bytes. For text whose characters are all single ASCII bytes, characters and bytes are one and
/// the same, so both matchers agree; this one avoids building a `[Character]` per test, which made
/// the built-in stack trace rules the processor's largest cost.
struct ASCIIGlob: Sendable, Equatable {
    /// A character class as a bitmap of the 128 ASCII bytes.
    struct ByteSet: Sendable, Equatable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        func contains(_ byte: UInt8) -> Bool {
            byte < 64 ? low & (1 << UInt64(byte)) != 0 : byte < 128 && high & (1 << UInt64(byte - 64)) != 0
        }

        mutating func insert(_ byte: UInt8) {
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }
    }

    enum Op: Sendable, Equatable {
        case byte(UInt8)
        case any
        case star
        case doubleStar
        case set(ByteSet, negated: Bool)
    }

    let ops: [Op]
    /// `*` and `?` stop at `/` (paths).
    let slashAware: Bool

    /// Nil when a literal of the pattern is not a single ASCII byte: no ASCII subject could be
    /// compared byte by byte against it, so such globs keep the character matcher.
    init?(_ tokens: [Glob.Token], slashAware: Bool) {
        var ops: [Op] = []
        for token in tokens {
            switch token {
            case .literal(let c):
                guard let byte = c.asciiValue, c.unicodeScalars.count == 1 else { return nil }
                ops.append(.byte(byte))
            case .any: ops.append(.any)
            case .star: ops.append(.star)
            case .doubleStar: ops.append(.doubleStar)
            case .set(let members, let negated, let ranges):
                // Decided per byte with the character comparisons the character matcher uses.
                var set = ByteSet()
                for byte in UInt8(0)..<128 {
                    let c = Character(Unicode.Scalar(byte))
                    if members.contains(c) || ranges.contains(where: { $0.contains(c) }) { set.insert(byte) }
                }
                ops.append(.set(set, negated: negated))
            }
        }
        self.ops = ops
        self.slashAware = slashAware
    }

    func matches(_ text: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { match($0, 0, 0) }
    }

    private func match(_ text: UnsafeBufferPointer<UInt8>, _ ti: Int, _ pi: Int) -> Bool {
        let slash = UInt8(ascii: "/")
        var ti = ti, pi = pi
        while pi < ops.count {
            switch ops[pi] {
            case .byte(let byte):
                guard ti < text.count, text[ti] == byte else { return false }
            case .any:
                guard ti < text.count, !(slashAware && text[ti] == slash) else { return false }
            case .set(let set, let negated):
                guard ti < text.count, set.contains(text[ti]) != negated else { return false }
            case .star, .doubleStar:
                let crossesSlash = ops[pi] == .doubleStar || !slashAware
                if pi + 1 == ops.count {
                    return crossesSlash || !text[ti...].contains(slash)
                }
                // When a literal byte follows, only positions holding it can continue the match.
                var next: UInt8?
                if case .byte(let byte) = ops[pi + 1] { next = byte }
                var k = ti
                while true {
                    if next == nil || (k < text.count && text[k] == next!), match(text, k, pi + 1) { return true }
                    guard k < text.count, crossesSlash || text[k] != slash else { return false }
                    k += 1
                }
            }
            ti += 1
            pi += 1
        }
        return ti == text.count
    }
}
