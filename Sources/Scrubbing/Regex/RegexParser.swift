/// A parsed pattern, before compilation.
indirect enum RegexNode: Sendable {
    case empty
    case scalar(Unicode.Scalar, caseInsensitive: Bool)
    case set(RegexCharSet)
    case any(dotAll: Bool)
    case concat([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    case group(RegexNode, capture: Int?)
    case assertion(RegexAssertion)
}

/// Recursive-descent parser for `LinearRegex`'s syntax. Nesting depth is bounded, so a hostile
/// pattern cannot exhaust the stack.
struct RegexParser {
    struct Flags { var caseInsensitive = false, multiLine = false, dotAll = false, verbose = false }

    static let maxDepth = 100
    /// Rust's `regex` refuses counted repetitions above this.
    static let maxRepetition = 1000

    let scalars: [Unicode.Scalar]
    var index = 0
    var groupCount = 0
    var depth = 0
    var flags = Flags()

    init(_ pattern: String) { scalars = Array(pattern.unicodeScalars) }

    mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        let node = try parseAlternation()
        if index < scalars.count { throw RegexSyntaxError("unopened group") }
        return node
    }

    private var atEnd: Bool { index >= scalars.count }
    private var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }

    private mutating func skipVerbose() {
        guard flags.verbose else { return }
        while let scalar = peek {
            if scalar == "#" {
                while let next = peek, next != "\n" { index += 1 }
            } else if RegexCharSet.isSpace(scalar) {
                index += 1
            } else {
                return
            }
        }
    }

    private mutating func parseAlternation() throws(RegexSyntaxError) -> RegexNode {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { throw RegexSyntaxError("exceed the maximum nest limit") }
        let saved = flags
        defer { flags = saved }
        var branches = [try parseConcat()]
        while peek == "|" {
            index += 1
            branches.append(try parseConcat())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcat() throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while true {
            skipVerbose()
            guard let scalar = peek, scalar != "|", scalar != ")" else { break }
            if let atom = try parseAtom() {
                items.append(try parseQuantifiers(atom))
            }
        }
        return items.count == 1 ? items[0] : items.isEmpty ? .empty : .concat(items)
    }

    private mutating func parseQuantifiers(_ atom: RegexNode) throws(RegexSyntaxError) -> RegexNode {
        skipVerbose()
        guard let scalar = peek else { return atom }
        var bounds: (Int, Int?)?
        switch scalar {
        case "*": bounds = (0, nil); index += 1
        case "+": bounds = (1, nil); index += 1
        case "?": bounds = (0, 1); index += 1
        case "{":
            if let counted = try parseCounted() { bounds = counted }
        default: break
        }
        guard let bounds else { return atom }
        let (min, max) = bounds
        if case .assertion = atom { throw RegexSyntaxError("repetition operator missing expression") }
        var greedy = true
        if peek == "?" { greedy = false; index += 1 }
        // A quantifier may follow another (`a**`), as the `regex` crate allows.
        return try parseQuantifiers(.repetition(atom, min: min, max: max, greedy: greedy))
    }

    /// `{m}`, `{m,}`, `{m,n}`.
    private mutating func parseCounted() throws(RegexSyntaxError) -> (Int, Int?)? {
        let start = index
        index += 1
        guard let min = parseNumber() else {
            throw RegexSyntaxError("repetition quantifier expects a valid decimal")
        }
        var max: Int? = min
        if peek == "," {
            index += 1
            max = parseNumber()
            if max == nil, peek != "}" { index = start; throw RegexSyntaxError("repetition quantifier expects a valid decimal") }
        }
        guard peek == "}" else { throw RegexSyntaxError("unclosed counted repetition") }
        index += 1
        if let max, max < min { throw RegexSyntaxError("invalid repetition count range, the start must be <= the end") }
        if min > Self.maxRepetition || (max ?? 0) > Self.maxRepetition {
            throw RegexSyntaxError("repetition count above \(Self.maxRepetition)")
        }
        return (min, max)
    }

    private mutating func parseNumber() -> Int? {
        var value = 0
        var digits = 0
        while let scalar = peek, scalar.isASCII, scalar.value >= 48, scalar.value <= 57 {
            value = min(value * 10 + Int(scalar.value - 48), 1_000_000)
            digits += 1
            index += 1
        }
        return digits > 0 ? value : nil
    }

    private mutating func parseAtom() throws(RegexSyntaxError) -> RegexNode? {
        guard let scalar = peek else { return nil }
        index += 1
        switch scalar {
        case "(": return try parseGroup()
        case "[": return .set(try parseClass())
        case ".": return .any(dotAll: flags.dotAll)
        case "^": return .assertion(flags.multiLine ? .lineStart : .textStart)
        case "$": return .assertion(flags.multiLine ? .lineEnd : .textEnd)
        case "\\": return try parseEscape(inClass: false).node(flags)
        case "*", "+", "?": throw RegexSyntaxError("repetition operator missing expression")
        case "{":
            if isCountedAheadAt(index - 1) { throw RegexSyntaxError("repetition operator missing expression") }
            return .scalar(scalar, caseInsensitive: flags.caseInsensitive)
        default: return .scalar(scalar, caseInsensitive: flags.caseInsensitive)
        }
    }

    private func isCountedAheadAt(_ position: Int) -> Bool {
        position + 1 < scalars.count && scalars[position + 1].isASCII && RegexCharSet.isDigit(scalars[position + 1])
    }

    private mutating func parseGroup() throws(RegexSyntaxError) -> RegexNode? {
        var capture: Int?
        if peek == "?" {
            index += 1
            guard let next = peek else { throw RegexSyntaxError("unclosed group") }
            switch next {
            case "=", "!": throw RegexSyntaxError("look-around, including look-ahead and look-behind, is not supported")
            case "<":
                if index + 1 < scalars.count, scalars[index + 1] == "=" || scalars[index + 1] == "!" {
                    throw RegexSyntaxError("look-around, including look-ahead and look-behind, is not supported")
                }
                index += 1
                try parseGroupName()
                groupCount += 1
                capture = groupCount
            case "P":
                index += 1
                guard peek == "<" else {
                    if peek == "=" { throw RegexSyntaxError("backreferences are not supported") }
                    throw RegexSyntaxError("unrecognized flag")
                }
                index += 1
                try parseGroupName()
                groupCount += 1
                capture = groupCount
            default:
                // Flags: `(?flags)` changes the enclosing group, `(?flags:…)` opens a group.
                var enable = true
                var newFlags = flags
                while let flag = peek, flag != ")" && flag != ":" {
                    switch flag {
                    case "i": newFlags.caseInsensitive = enable
                    case "m": newFlags.multiLine = enable
                    case "s": newFlags.dotAll = enable
                    case "x": newFlags.verbose = enable
                    case "U", "u", "R": break
                    case "-": enable = false
                    default: throw RegexSyntaxError("unrecognized flag")
                    }
                    index += 1
                }
                guard let end = peek else { throw RegexSyntaxError("unclosed group") }
                index += 1
                if end == ")" {
                    flags = newFlags
                    return nil
                }
                let saved = flags
                flags = newFlags
                let inner = try parseAlternation()
                flags = saved
                guard peek == ")" else { throw RegexSyntaxError("unclosed group") }
                index += 1
                return .group(inner, capture: nil)
            }
        } else {
            groupCount += 1
            capture = groupCount
        }
        let inner = try parseAlternation()
        guard peek == ")" else { throw RegexSyntaxError("unclosed group") }
        index += 1
        return .group(inner, capture: capture)
    }

    private mutating func parseGroupName() throws(RegexSyntaxError) {
        var length = 0
        while let scalar = peek, scalar != ">" {
            guard RegexCharSet.isWord(scalar) || scalar == "." || scalar == "[" || scalar == "]" else {
                throw RegexSyntaxError("invalid capture group character")
            }
            index += 1
            length += 1
        }
        guard peek == ">", length > 0 else { throw RegexSyntaxError(length == 0 ? "empty capture group name" : "unclosed capture group name") }
        index += 1
    }

    enum Escape {
        case scalar(Unicode.Scalar)
        case items([RegexCharSet.Item])
        case assertion(RegexAssertion)

        func node(_ flags: Flags) -> RegexNode {
            switch self {
            case .scalar(let scalar): return .scalar(scalar, caseInsensitive: flags.caseInsensitive)
            case .items(let items): return .set(RegexCharSet(items: items))
            case .assertion(let assertion): return .assertion(assertion)
            }
        }
    }

    private mutating func parseEscape(inClass: Bool) throws(RegexSyntaxError) -> Escape {
        guard let scalar = peek else { throw RegexSyntaxError("incomplete escape sequence, reached end of pattern prematurely") }
        index += 1
        switch scalar {
        case "d": return .items([.digit(negated: false)])
        case "D": return .items([.digit(negated: true)])
        case "w": return .items([.word(negated: false)])
        case "W": return .items([.word(negated: true)])
        case "s": return .items([.space(negated: false)])
        case "S": return .items([.space(negated: true)])
        case "n": return .scalar("\n")
        case "t": return .scalar("\t")
        case "r": return .scalar("\r")
        case "f": return .scalar("\u{0C}")
        case "v": return .scalar("\u{0B}")
        case "a": return .scalar("\u{07}")
        case "0"..."9":
            throw RegexSyntaxError("backreferences are not supported")
        case "x", "u", "U":
            return .scalar(try parseHexEscape(scalar))
        case "b", "B", "A", "z":
            guard !inClass else { throw RegexSyntaxError("unrecognized escape sequence") }
            switch scalar {
            case "b": return .assertion(.wordBoundary)
            case "B": return .assertion(.notWordBoundary)
            case "A": return .assertion(.textStart)
            default: return .assertion(.textEnd)
            }
        case "k": throw RegexSyntaxError("backreferences are not supported")
        case "p", "P": return .items([try parseCategory(negated: scalar == "P")])
        default:
            // Any punctuation may be escaped; letters and digits with no meaning may not.
            if scalar.isASCII, RegexCharSet.isWord(scalar) { throw RegexSyntaxError("unrecognized escape sequence") }
            return .scalar(scalar)
        }
    }

    /// `\pL`, `\p{Lu}`, `\PN`: Unicode general categories (one- and two-letter names).
    private mutating func parseCategory(negated: Bool) throws(RegexSyntaxError) -> RegexCharSet.Item {
        var name = ""
        if peek == "{" {
            index += 1
            while let scalar = peek, scalar != "}" { name.unicodeScalars.append(scalar); index += 1 }
            guard peek == "}" else { throw RegexSyntaxError("unclosed Unicode class") }
            index += 1
        } else if let scalar = peek {
            name.unicodeScalars.append(scalar)
            index += 1
        }
        guard let category = RegexCharSet.Category(rawValue: name) else { throw RegexSyntaxError("Unicode property not found") }
        return .category(category, negated: negated)
    }

    private mutating func parseHexEscape(_ kind: Unicode.Scalar) throws(RegexSyntaxError) -> Unicode.Scalar {
        var digits: [UInt32] = []
        let braced = peek == "{"
        if braced { index += 1 }
        let maxDigits = braced ? 8 : kind == "x" ? 2 : kind == "u" ? 4 : 8
        while digits.count < maxDigits, let scalar = peek, scalar != "}", let digit = Self.hexValue(scalar) {
            digits.append(digit)
            index += 1
        }
        if braced {
            guard peek == "}" else { throw RegexSyntaxError("invalid hexadecimal digit") }
            index += 1
        } else if digits.count != maxDigits {
            throw RegexSyntaxError("invalid hexadecimal digit")
        }
        guard !digits.isEmpty else { throw RegexSyntaxError("hexadecimal literal is empty") }
        let value = digits.reduce(UInt32(0)) { $0 << 4 | $1 }
        guard let result = Unicode.Scalar(value) else { throw RegexSyntaxError("hexadecimal literal is not a Unicode scalar value") }
        return result
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar.value {
        case 48...57: return scalar.value - 48
        case 65...70: return scalar.value - 55
        case 97...102: return scalar.value - 87
        default: return nil
        }
    }

    /// After `[`: the class up to its `]`.
    private mutating func parseClass() throws(RegexSyntaxError) -> RegexCharSet {
        var set = RegexCharSet(caseInsensitive: flags.caseInsensitive)
        if peek == "^" { set.negated = true; index += 1 }
        var first = true
        while true {
            guard let scalar = peek else { throw RegexSyntaxError("unclosed character class") }
            if scalar == "]", !first { index += 1; break }
            first = false
            if scalar == "[", index + 1 < scalars.count, scalars[index + 1] == ":" {
                // `[[:name:]]` or `[[:^name:]]`
                var probe = index + 2
                var negated = false
                if probe < scalars.count, scalars[probe] == "^" { negated = true; probe += 1 }
                var name = ""
                while probe < scalars.count, scalars[probe] != ":" { name.unicodeScalars.append(scalars[probe]); probe += 1 }
                if probe + 1 < scalars.count, scalars[probe + 1] == "]", let items = RegexCharSet.posix(name) {
                    index = probe + 2
                    if negated {
                        set.items.append(contentsOf: Self.complement(items))
                    } else {
                        set.items.append(contentsOf: items)
                    }
                    continue
                }
                throw RegexSyntaxError("invalid character class")
            }
            if scalar == "[" {
                // A nested class: its members join this one (negated nested classes are rare).
                index += 1
                let nested = try parseClass()
                if nested.negated { throw RegexSyntaxError("negated nested classes are not supported") }
                set.items.append(contentsOf: nested.items)
                continue
            }
            if scalar == "&" || scalar == "~" || scalar == "-", index + 1 < scalars.count, scalars[index + 1] == scalar,
               scalar != "-" || (index + 2 < scalars.count && scalars[index + 2] != "]") {
                throw RegexSyntaxError("class set operations (&&, --, ~~) are not supported")
            }
            let low = try parseClassMember()
            if peek == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                index += 1
                let high = try parseClassMember()
                guard case .scalar(let lowScalar) = low, case .scalar(let highScalar) = high else {
                    throw RegexSyntaxError("invalid range boundary, must be a literal")
                }
                guard lowScalar.value <= highScalar.value else { throw RegexSyntaxError("invalid character class range, the start must be <= the end") }
                set.items.append(.range(lowScalar.value, highScalar.value))
            } else {
                switch low {
                case .scalar(let scalar): set.items.append(.range(scalar.value, scalar.value))
                case .items(let items): set.items.append(contentsOf: items)
                case .assertion: throw RegexSyntaxError("unrecognized escape sequence")
                }
            }
        }
        return set
    }

    private mutating func parseClassMember() throws(RegexSyntaxError) -> Escape {
        guard let scalar = peek else { throw RegexSyntaxError("unclosed character class") }
        index += 1
        if scalar == "\\" { return try parseEscape(inClass: true) }
        return .scalar(scalar)
    }

    /// The complement of ASCII ranges, for `[[:^name:]]`.
    private static func complement(_ items: [RegexCharSet.Item]) -> [RegexCharSet.Item] {
        var ranges: [(UInt32, UInt32)] = []
        for case .range(let low, let high) in items { ranges.append((low, high)) }
        ranges.sort { $0.0 < $1.0 }
        var result: [RegexCharSet.Item] = []
        var next: UInt32 = 0
        for (low, high) in ranges {
            if low > next { result.append(.range(next, low - 1)) }
            next = max(next, high + 1)
        }
        if next <= 0x10FFFF { result.append(.range(next, 0x10FFFF)) }
        return result
    }
}
