import EventModel

/// A parsed ProGuard/R8 mapping file: obfuscated class names to their original names, source
/// files and member mappings. Lines that do not parse are skipped (as R8's own retrace does);
/// every number is range-checked.
public struct ProguardMapping: Sendable {
    public struct Member: Sendable, Equatable {
        /// The obfuscated line range, nil when the member has none (any line matches).
        public var obfuscatedLines: ClosedRange<Int>?
        /// The original class when the method was inlined from another class, else nil.
        public var originalClass: String?
        public var originalName: String
        public var originalStartLine: Int?
        public var originalEndLine: Int?
        /// R8 `com.android.tools.r8.synthesized`: compiler-made, hidden by retrace.
        public var synthesized = false
    }

    public struct Class: Sendable {
        public var originalName: String
        public var obfuscatedName: String
        /// From R8's `# {"id":"sourceFile","fileName":…}`.
        public var sourceFile: String?
        public var synthesized = false
        /// Methods by obfuscated name, in file order (inlined frames innermost first).
        public var methods: [String: [Member]] = [:]
    }

    public private(set) var classes: [String: Class] = [:]
    /// Original class name to obfuscated, for classes methods were inlined from.
    public private(set) var originalIndex: [String: String] = [:]
    public private(set) var approximateBytes = 0

    public static func parse(_ bytes: [UInt8]) -> ProguardMapping {
        var mapping = ProguardMapping()
        // Dictionaries and strings of the parsed form; an estimate for the byte-bounded cache.
        mapping.approximateBytes = bytes.count * 3
        var current: String?
        var lastMember: (cls: String, name: String, index: Int)?
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = String(decoding: bytes[start..<end], as: UTF8.self)
            start = end + 1
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#") {
                mapping.applyMetadata(String(trimmed.dropFirst()), currentClass: current, lastMember: lastMember)
                continue
            }
            if line.first == " " || line.first == "\t" {
                guard let cls = current, let (name, member) = parseMember(trimmed) else { continue }
                mapping.classes[cls]?.methods[name, default: []].append(member)
                lastMember = (cls, name, (mapping.classes[cls]?.methods[name]?.count ?? 1) - 1)
            } else if let (original, obfuscated) = parseClass(trimmed) {
                mapping.classes[obfuscated] = Class(originalName: original, obfuscatedName: obfuscated)
                mapping.originalIndex[original] = obfuscated
                current = obfuscated
                lastMember = nil
            } else {
                current = nil
            }
        }
        return mapping
    }

    /// `com.example.Foo -> a.b:`
    static func parseClass(_ line: String) -> (String, String)? {
        guard line.hasSuffix(":"), let arrow = line.range(of: " -> ") else { return nil }
        let original = line[..<arrow.lowerBound].trimmingSpaces
        let obfuscated = line[arrow.upperBound...].dropLast().trimmingSpaces
        guard !original.isEmpty, !obfuscated.isEmpty, !original.contains(" "), !obfuscated.contains(" ") else { return nil }
        return (original, obfuscated)
    }

    /// `[a:b:]type [originalClass.]name(args)[:c[:d]] -> obfuscated`; fields are skipped (no parenthesis).
    static func parseMember(_ line: String) -> (String, Member)? {
        guard let arrow = line.range(of: " -> ") else { return nil }
        let obfuscated = line[arrow.upperBound...].trimmingSpaces
        var left = Substring(line[..<arrow.lowerBound])
        guard let open = left.firstIndex(of: "("), let close = left.lastIndex(of: ")"), open < close, !obfuscated.isEmpty else { return nil }
        var range: ClosedRange<Int>?
        // Leading `a:b:` obfuscated line range.
        let head = left[..<open]
        let headParts = head.split(separator: ":", omittingEmptySubsequences: false)
        if headParts.count == 3 {
            guard let a = number(headParts[0]), let b = number(headParts[1]) else { return nil }
            range = min(a, b)...max(a, b)
            left = left[left.index(after: head.lastIndex(of: ":")!)...]
        } else if headParts.count != 1 {
            return nil
        }
        guard let open2 = left.firstIndex(of: "("), let close2 = left.lastIndex(of: ")") else { return nil }
        let signature = left[..<open2].trimmingSpaces
        guard let space = signature.lastIndex(of: " ") else { return nil }
        let qualified = signature[signature.index(after: space)...]
        var originalClass: String?
        var name = String(qualified)
        if let dot = qualified.lastIndex(of: ".") {
            originalClass = String(qualified[..<dot])
            name = String(qualified[qualified.index(after: dot)...])
        }
        // Trailing `:c[:d]` original lines.
        var startLine: Int?, endLine: Int?
        let tail = left[left.index(after: close2)...]
        if !tail.isEmpty {
            let parts = tail.split(separator: ":", omittingEmptySubsequences: true)
            guard tail.first == ":", (1...2).contains(parts.count) else { return nil }
            startLine = number(parts[0])
            endLine = parts.count == 2 ? number(parts[1]) : nil
            guard startLine != nil, parts.count == 1 || endLine != nil else { return nil }
        }
        return (obfuscated, Member(obfuscatedLines: range, originalClass: originalClass, originalName: name,
                                   originalStartLine: startLine, originalEndLine: endLine))
    }

    static func number(_ text: Substring) -> Int? {
        let digits = text.trimmingSpaces
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// R8's JSON comments: `sourceFile` after a class, `com.android.tools.r8.synthesized` after a
    /// class or member.
    private mutating func applyMetadata(_ text: String, currentClass: String?, lastMember: (cls: String, name: String, index: Int)?) {
        let body = text.trimmingSpaces
        guard body.hasPrefix("{"), let json = try? JSON.parse(body), let id = json["id"]?.string else { return }
        switch id {
        case "sourceFile":
            if let cls = currentClass, lastMember == nil, let file = json["fileName"]?.string { classes[cls]?.sourceFile = file }
        case "com.android.tools.r8.synthesized":
            if let member = lastMember { classes[member.cls]?.methods[member.name]?[member.index].synthesized = true }
            else if let cls = currentClass { classes[cls]?.synthesized = true }
        default:
            break
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return String(slice)
    }
}
