/// A character class: ranges and Unicode classes (`\d`, `\w`, `\s`), possibly negated and
/// case-insensitive. Unicode-aware like the `regex` crate's defaults.
struct RegexCharSet: Sendable, Equatable {
    enum Item: Sendable, Equatable {
        case range(UInt32, UInt32)
        case digit(negated: Bool)
        case word(negated: Bool)
        case space(negated: Bool)
        case category(Category, negated: Bool)
    }

    /// Unicode general categories by their short names (`\p{L}`, `\p{Lu}`, …).
    enum Category: String, Sendable {
        case L, Lu, Ll, Lt, Lm, Lo, M, N, Nd, Nl, No, P, S, Z, Zs, C, Cc

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            let category = scalar.properties.generalCategory
            switch self {
            case .L: return [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter].contains(category)
            case .Lu: return category == .uppercaseLetter
            case .Ll: return category == .lowercaseLetter
            case .Lt: return category == .titlecaseLetter
            case .Lm: return category == .modifierLetter
            case .Lo: return category == .otherLetter
            case .M: return [.nonspacingMark, .spacingMark, .enclosingMark].contains(category)
            case .N: return [.decimalNumber, .letterNumber, .otherNumber].contains(category)
            case .Nd: return category == .decimalNumber
            case .Nl: return category == .letterNumber
            case .No: return category == .otherNumber
            case .P: return [.connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                             .finalPunctuation, .otherPunctuation].contains(category)
            case .S: return [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol].contains(category)
            case .Z: return [.spaceSeparator, .lineSeparator, .paragraphSeparator].contains(category)
            case .Zs: return category == .spaceSeparator
            case .C: return [.control, .format, .surrogate, .privateUse, .unassigned].contains(category)
            case .Cc: return category == .control
            }
        }
    }

    var items: [Item] = []
    var negated = false
    var caseInsensitive = false

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        var found = containsExactly(scalar)
        if !found, caseInsensitive {
            for variant in Self.caseVariants(scalar) where variant != scalar && containsExactly(variant) {
                found = true
                break
            }
        }
        return found != negated
    }

    private func containsExactly(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        for item in items {
            switch item {
            case .range(let low, let high): if value >= low && value <= high { return true }
            case .digit(let negated): if Self.isDigit(scalar) != negated { return true }
            case .word(let negated): if Self.isWord(scalar) != negated { return true }
            case .space(let negated): if Self.isSpace(scalar) != negated { return true }
            case .category(let category, let negated): if category.contains(scalar) != negated { return true }
            }
        }
        return false
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value >= 48 && scalar.value <= 57 }
        return scalar.properties.generalCategory == .decimalNumber
    }

    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 48 && value <= 57) || (value >= 65 && value <= 90) || (value >= 97 && value <= 122) || value == 95
        }
        switch scalar.properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation: return true
        default: return scalar.properties.isAlphabetic || scalar.properties.isJoinControl
        }
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (scalar.value >= 9 && scalar.value <= 13) }
        return scalar.properties.isWhitespace
    }

    /// The scalar's simple lower- and upper-case forms (single scalars only).
    static func caseVariants(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if scalar.isASCII {
            let value = scalar.value
            if value >= 65 && value <= 90, let lower = Unicode.Scalar(value + 32) { return [lower] }
            if value >= 97 && value <= 122, let upper = Unicode.Scalar(value - 32) { return [upper] }
            return []
        }
        var result: [Unicode.Scalar] = []
        for mapping in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let only = scalars.first { result.append(only) }
        }
        return result
    }

    /// `[[:name:]]` classes (ASCII, as in the `regex` crate).
    static func posix(_ name: String) -> [Item]? {
        func r(_ low: Character, _ high: Character) -> Item {
            .range(low.unicodeScalars.first!.value, high.unicodeScalars.first!.value)
        }
        switch name {
        case "alnum": return [r("0", "9"), r("A", "Z"), r("a", "z")]
        case "alpha": return [r("A", "Z"), r("a", "z")]
        case "ascii": return [.range(0, 0x7F)]
        case "blank": return [r(" ", " "), r("\t", "\t")]
        case "cntrl": return [.range(0, 0x1F), .range(0x7F, 0x7F)]
        case "digit": return [r("0", "9")]
        case "graph": return [.range(0x21, 0x7E)]
        case "lower": return [r("a", "z")]
        case "print": return [.range(0x20, 0x7E)]
        case "punct": return [.range(0x21, 0x2F), .range(0x3A, 0x40), .range(0x5B, 0x60), .range(0x7B, 0x7E)]
        case "space": return [.range(9, 13), r(" ", " ")]
        case "upper": return [r("A", "Z")]
        case "word": return [r("0", "9"), r("A", "Z"), r("a", "z"), r("_", "_")]
        case "xdigit": return [r("0", "9"), r("A", "F"), r("a", "f")]
        default: return nil
        }
    }
}
