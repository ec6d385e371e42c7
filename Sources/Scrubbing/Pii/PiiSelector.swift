/// Sentry's PII selector language: which values a rule applies to.
/// `$string`, `$frame.vars.foo`, `extra.'my key'`, `**`, `a.*.b`, `!x`, `a && (b || c)`.
/// A path selector matches a value when its items match the innermost steps of the value's path
/// (so `password` matches a `password` key anywhere); `**` stands for any number of steps.
public indirect enum PiiSelector: Sendable, Equatable {
    case or([PiiSelector])
    case and([PiiSelector])
    case not(PiiSelector)
    case path([Item])

    public enum Item: Sendable, Equatable {
        case type(PiiValueType)
        case wildcard
        case deepWildcard
        case index(Int)
        case key(String)
    }

    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static let maxLength = 10_000

    public static func parse(_ text: String) throws(SyntaxError) -> PiiSelector {
        guard text.utf8.count <= maxLength else { throw SyntaxError(message: "invalid syntax near \"\(text.prefix(40))\"") }
        var parser = Parser(scalars: Array(text.unicodeScalars), text: text)
        return try parser.parseSelector()
    }

    // MARK: - Matching

    /// Whether the selector picks the value whose path is `path` (outermost step first).
    func matches(_ path: [PiiPathStep]) -> Bool {
        switch self {
        case .or(let selectors): return selectors.contains { $0.matches(path) }
        case .and(let selectors): return selectors.allSatisfy { $0.matches(path) }
        case .not(let selector): return !selector.matches(path)
        case .path(let items): return Self.matches(items[...], path[...])
        }
    }

    /// Whether the selector names values precisely enough to reach fields Sentry marks as
    /// `pii = "maybe"` (a key in the path, not only types and wildcards).
    var isSpecific: Bool {
        switch self {
        case .or(let selectors): return selectors.allSatisfy(\.isSpecific)
        case .and(let selectors): return selectors.contains(where: \.isSpecific)
        case .not: return false
        case .path(let items):
            guard let last = items.last, last != .wildcard, last != .deepWildcard else { return false }
            return items.contains { if case .key = $0 { return true }; if case .index = $0 { return true }; return false }
        }
    }

    private static func matches(_ items: ArraySlice<PiiSelector.Item>, _ path: ArraySlice<PiiPathStep>) -> Bool {
        if let deep = items.firstIndex(of: .deepWildcard) {
            let prefix = items[items.startIndex..<deep]
            let suffix = items[(deep + 1)...]
            // `**` stands for one step or more (`extra.**` is what is inside `extra`, not `extra`).
            guard path.count >= prefix.count + suffix.count + 1 else { return false }
            // The suffix matches the innermost steps; the prefix any run of steps before them.
            guard suffixMatches(suffix, path) else { return false }
            if prefix.isEmpty { return true }
            let before = path.dropLast(suffix.count + 1)
            var end = before.endIndex
            while end - before.startIndex >= prefix.count {
                if suffixMatches(prefix, before[before.startIndex..<end]) { return true }
                end -= 1
            }
            return false
        }
        guard path.count >= items.count else { return false }
        return suffixMatches(items, path)
    }

    private static func suffixMatches(_ items: ArraySlice<PiiSelector.Item>, _ path: ArraySlice<PiiPathStep>) -> Bool {
        guard path.count >= items.count else { return false }
        var step = path.endIndex
        for item in items.reversed() {
            step -= 1
            if !item.matches(path[step]) { return false }
        }
        return true
    }
}

extension PiiSelector.Item {
    func matches(_ step: PiiPathStep) -> Bool {
        switch self {
        case .wildcard, .deepWildcard: return true
        case .type(let type): return step.types.contains(type)
        case .index(let index): return step.index == index
        case .key(let key): return step.key.map { $0.caseInsensitiveASCIIEquals(key) } ?? false
        }
    }
}

/// One step of a value's path as selectors see it: the key or index entered, and the types of
/// the value there (`$frame`, `$string`, …).
public struct PiiPathStep: Sendable {
    public var key: String?
    public var index: Int?
    public var types: PiiValueTypes
}

/// Sentry's value types, named in selectors with `$`.
public enum PiiValueType: String, Sendable, CaseIterable {
    case string, number, boolean, datetime, array, object, event, attachments, error, stacktrace, frame, http, user,
         logentry, thread, breadcrumb, span, sdk, minidump, heapmemory, stackmemory, replay, clientsdkinfo, log

    /// The names selectors accept (Sentry's aliases included).
    static let byName: [String: PiiValueType] = {
        var names = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
        names["exception"] = .error
        names["request"] = .http
        names["message"] = .logentry
        names["ourlog"] = .log
        return names
    }()

    var bit: UInt32 { UInt32(1) << UInt32(Self.allCases.firstIndex(of: self) ?? 0) }
}

public struct PiiValueTypes: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ types: PiiValueType...) { rawValue = types.reduce(0) { $0 | $1.bit } }
    func contains(_ type: PiiValueType) -> Bool { rawValue & type.bit != 0 }
}

extension String {
    func caseInsensitiveASCIIEquals(_ other: String) -> Bool {
        let (a, b) = (utf8, other.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { ASCIISearch.lower($0) == ASCIISearch.lower($1) }
    }
}

extension PiiSelector {
    /// Grammar (whitespace allowed around operators):
    /// or := and ("||" and)* ; and := not ("&&" not)* ; not := "!"? primary ;
    /// primary := "(" or ")" | path ; path := item ("." item)* ;
    /// item := "$"type | "**" | "*" | digits | key | "'" ("''" | [^'])* "'"
    struct Parser {
        let scalars: [Unicode.Scalar]
        let text: String
        var index = 0
        var depth = 0

        var syntax: SyntaxError { SyntaxError(message: "invalid syntax near \"\(text)\"") }

        mutating func parseSelector() throws(SyntaxError) -> PiiSelector {
            let selector = try parseOr()
            skipSpaces()
            guard index == scalars.count else { throw syntax }
            try Self.checkPaths(selector)
            return selector
        }

        static func checkPaths(_ selector: PiiSelector) throws(SyntaxError) {
            switch selector {
            case .or(let items), .and(let items): for item in items { try checkPaths(item) }
            case .not(let inner): try checkPaths(inner)
            case .path(let items):
                if items == [.wildcard] { throw SyntaxError(message: "wildcard must be part of a path") }
                if items.filter({ $0 == .deepWildcard }).count > 1 { throw SyntaxError(message: "deep wildcard used more than once") }
            }
        }

        mutating func skipSpaces() { while index < scalars.count, scalars[index] == " " { index += 1 } }

        mutating func consume(_ token: String) -> Bool {
            skipSpaces()
            let tokenScalars = Array(token.unicodeScalars)
            guard index + tokenScalars.count <= scalars.count, Array(scalars[index..<index + tokenScalars.count]) == tokenScalars else {
                return false
            }
            index += tokenScalars.count
            return true
        }

        mutating func parseOr() throws(SyntaxError) -> PiiSelector {
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { throw syntax }
            var items = [try parseAnd()]
            while consume("||") { items.append(try parseAnd()) }
            return items.count == 1 ? items[0] : .or(items)
        }

        mutating func parseAnd() throws(SyntaxError) -> PiiSelector {
            var items = [try parseNot()]
            while consume("&&") { items.append(try parseNot()) }
            return items.count == 1 ? items[0] : .and(items)
        }

        mutating func parseNot() throws(SyntaxError) -> PiiSelector {
            if consume("!") {
                skipSpaces()
                if index < scalars.count, scalars[index] == "!" { throw syntax }
                return .not(try parsePrimary())
            }
            return try parsePrimary()
        }

        mutating func parsePrimary() throws(SyntaxError) -> PiiSelector {
            if consume("(") {
                let inner = try parseOr()
                guard consume(")") else { throw syntax }
                return inner
            }
            skipSpaces()
            var items = [try parseItem()]
            while index < scalars.count, scalars[index] == "." {
                index += 1
                items.append(try parseItem())
            }
            return .path(items)
        }

        static func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (RegexCharSet.isWord(scalar) || scalar == "-")
        }

        mutating func parseItem() throws(SyntaxError) -> Item {
            guard index < scalars.count else { throw syntax }
            let first = scalars[index]
            if first == "$" {
                index += 1
                var name = ""
                while index < scalars.count, scalars[index].isASCII, RegexCharSet.isWord(scalars[index]) {
                    name.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard !name.isEmpty, name == name.lowercased() else { throw syntax }
                guard let type = PiiValueType.byName[name] else { throw SyntaxError(message: "unknown value") }
                return .type(type)
            }
            if first == "*" {
                index += 1
                if index < scalars.count, scalars[index] == "*" {
                    index += 1
                    return .deepWildcard
                }
                return .wildcard
            }
            if first == "'" {
                index += 1
                var key = ""
                while true {
                    guard index < scalars.count else { throw syntax }
                    let scalar = scalars[index]
                    index += 1
                    if scalar == "'" {
                        if index < scalars.count, scalars[index] == "'" {
                            key.unicodeScalars.append("'")
                            index += 1
                            continue
                        }
                        break
                    }
                    key.unicodeScalars.append(scalar)
                }
                return .key(key)
            }
            // A key starts with a word character; later ones may also be `-`.
            guard first.isASCII, RegexCharSet.isWord(first) else { throw syntax }
            var key = ""
            while index < scalars.count, Self.isKeyScalar(scalars[index]) {
                key.unicodeScalars.append(scalars[index])
                index += 1
            }
            if key.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(key) { return .index(number) }
            return .key(key)
        }
    }
}

extension PiiSelector {
    /// The order Sentry's relay applies a config's selectors in (its selector type's derived
    /// order: `&&` before `||` before `!` before paths; paths item by item, types before
    /// indexes before keys before wildcards).
    static func precedes(_ a: PiiSelector, _ b: PiiSelector) -> Bool { compare(a, b) < 0 }

    private var rank: Int {
        switch self {
        case .and: return 0
        case .or: return 1
        case .not: return 2
        case .path: return 3
        }
    }

    private static func compare(_ a: PiiSelector, _ b: PiiSelector) -> Int {
        switch (a, b) {
        case (.and(let x), .and(let y)), (.or(let x), .or(let y)):
            return lexicographic(x, y, compare)
        case (.not(let x), .not(let y)):
            return compare(x, y)
        case (.path(let x), .path(let y)):
            return lexicographic(x, y, compareItems)
        default:
            return a.rank - b.rank
        }
    }

    private static func compareItems(_ a: Item, _ b: Item) -> Int {
        func rank(_ item: Item) -> Int {
            switch item {
            case .type: return 0
            case .index: return 1
            case .key: return 2
            case .wildcard: return 3
            case .deepWildcard: return 4
            }
        }
        switch (a, b) {
        case (.type(let x), .type(let y)):
            return (PiiValueType.allCases.firstIndex(of: x) ?? 0) - (PiiValueType.allCases.firstIndex(of: y) ?? 0)
        case (.index(let x), .index(let y)):
            return x < y ? -1 : x > y ? 1 : 0
        case (.key(let x), .key(let y)):
            return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : x == y ? 0 : 1
        default:
            return rank(a) - rank(b)
        }
    }

    private static func lexicographic<T>(_ x: [T], _ y: [T], _ compare: (T, T) -> Int) -> Int {
        for (left, right) in zip(x, y) {
            let order = compare(left, right)
            if order != 0 { return order }
        }
        return x.count - y.count
    }
}
