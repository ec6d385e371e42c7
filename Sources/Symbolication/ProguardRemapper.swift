/// Deobfuscates Java frames and exception class names with a `ProguardMapping`, as Sentry's
/// retrace does: one obfuscated frame can become several (methods R8 inlined into it, innermost
/// first), and line numbers move into the original ranges.
public struct ProguardRemapper: Sendable {
    public let mapping: ProguardMapping

    public init(_ mapping: ProguardMapping) { self.mapping = mapping }

    public struct Frame: Sendable, Equatable {
        public var className: String
        public var method: String
        public var line: Int?
        public var sourceFile: String?
    }

    /// The original class name of an obfuscated one, nil when the mapping does not know it.
    public func remapClass(_ obfuscated: String) -> String? { mapping.classes[obfuscated]?.originalName }

    /// The original frames of `className.method` at `line` (nil: the frame has no line), innermost
    /// first; empty when the class or method is not in the mapping.
    /// At most this many original frames come from one obfuscated frame.
    public static let maxFramesPerFrame = 64

    public func remap(className: String, method: String, line: Int?) -> [Frame] {
        guard let cls = mapping.classes[className] else { return [] }
        guard let members = cls.methods[method], !members.isEmpty else {
            // The class is known but the method is not renamed (kept names).
            return [Frame(className: cls.originalName, method: method, line: line, sourceFile: cls.sourceFile)]
        }
        var matching: [ProguardMapping.Member]
        if let line {
            matching = members.filter { $0.obfuscatedLines?.contains(line) ?? false }
            if matching.isEmpty { matching = members.filter { $0.obfuscatedLines == nil } }
            // A frame outside every range (line 0 from some runtimes): the first of each distinct method.
            if matching.isEmpty { matching = distinctFirst(members) }
        } else {
            matching = distinctFirst(members)
        }
        // An inline chain is a handful of frames; a hostile mapping could list thousands for one line.
        return matching.filter { !$0.synthesized || matching.count == 1 }.prefix(Self.maxFramesPerFrame).map { member in
            let original = member.originalClass ?? cls.originalName
            let sourceFile = member.originalClass.flatMap { mapping.classByOriginalName($0)?.sourceFile } ?? cls.sourceFile
            return Frame(className: original, method: member.originalName, line: originalLine(member, line), sourceFile: sourceFile)
        }
    }

    /// Without a usable line, inlined chains cannot be told apart: one frame per distinct method.
    private func distinctFirst(_ members: [ProguardMapping.Member]) -> [ProguardMapping.Member] {
        var seen = Set<String>()
        return members.filter { seen.insert(($0.originalClass ?? "") + "." + $0.originalName).inserted }.prefix(1).map { $0 }
    }

    private func originalLine(_ member: ProguardMapping.Member, _ line: Int?) -> Int? {
        guard let start = member.originalStartLine else { return line }
        guard let line, let range = member.obfuscatedLines else { return start }
        if let end = member.originalEndLine, end > start {
            // Ranges map one to one; a frame past the original range clamps to its end. A single
            // original line (an inlined call site) is that line for the whole range.
            return min(start + (line - range.lowerBound), end)
        }
        return start
    }
}

extension ProguardMapping {
    func classByOriginalName(_ name: String) -> Class? {
        originalIndex[name].flatMap { classes[$0] }
    }
}
