import Foundation
import EventModel

/// Sentry's server-side fingerprint rules: `matchers -> fingerprint values [title="…"]`, e.g.
/// `error.type:DatabaseUnavailable -> system-down` or
/// `stack.function:process_* !app:yes -> {{ default }}, workers`. The first matching rule replaces
/// the event's fingerprint.
public struct FingerprintRules: Sendable, Equatable {
    public var rules: [FingerprintRule]

    public init(rules: [FingerprintRule] = []) { self.rules = rules }

    public static func parse(_ text: String) throws(GroupingRuleError) -> FingerprintRules {
        var rules: [FingerprintRule] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let rule = try FingerprintRule.parse(String(line), lineNumber: index + 1) { rules.append(rule) }
        }
        return FingerprintRules(rules: rules)
    }

    func firstMatch(_ event: FingerprintEventValues) -> FingerprintRule? {
        rules.first { $0.matches(event) }
    }
}

public struct FingerprintRule: Sendable, Equatable {
    public enum Key: String, Sendable {
        case type, value, message, logger, level, sdk, family, path, module, function, package, app, release, tag
    }

    public struct Matcher: Sendable, Equatable {
        public let key: Key
        /// The tag name for `tags.<name>`.
        public let tag: String?
        public let pattern: String
        public let negated: Bool
        /// The pattern compiled once, as the key compares (paths, case-insensitive texts, exact).
        let glob: Glob

        init(key: Key, tag: String?, pattern: String, negated: Bool) {
            self.key = key
            self.tag = tag
            self.pattern = pattern
            self.negated = negated
            switch key {
            case .path, .package, .release: glob = Glob(pattern, ignoreCase: true, pathNormalize: true, doubleStar: true)
            case .message, .level, .value: glob = Glob(pattern, ignoreCase: true)
            default: glob = Glob(pattern)
            }
        }
    }

    public var matchers: [Matcher]
    public var fingerprint: [String]
    /// `title="…"` renames the issue (variables like `{{ error.type }}` are expanded).
    public var title: String?
    public var text: String

    static let keys: [String: Key] = [
        "error.type": .type, "type": .type, "error.value": .value, "value": .value,
        "stack.module": .module, "module": .module, "stack.abs_path": .path, "path": .path,
        "stack.package": .package, "package": .package, "stack.function": .function, "function": .function,
        "message": .message, "logger": .logger, "level": .level, "family": .family, "app": .app,
        "sdk": .sdk, "release": .release,
    ]

    static func parse(_ line: String, lineNumber: Int) throws(GroupingRuleError) -> FingerprintRule? {
        let chars = Array(line)
        // Find `->` outside quotes.
        var arrow: Int?
        var inQuotes = false
        var i = 0
        while i < chars.count {
            if chars[i] == "\\", inQuotes { i += 2; continue }
            if chars[i] == "\"" { inQuotes.toggle() }
            if !inQuotes, chars[i] == "#", i == 0 || chars[i - 1].isWhitespace { break }
            if !inQuotes, chars[i] == "-", i + 1 < chars.count, chars[i + 1] == ">" { arrow = i; break }
            i += 1
        }
        let left = String(chars[..<(arrow ?? i)])
        let tokens = try RuleLexer.tokens(left, lineNumber: lineNumber, punctuation: [])
        guard let arrow else {
            if tokens.isEmpty { return nil }
            throw GroupingRuleError(line: lineNumber, message: "expected '->' followed by the fingerprint")
        }
        guard !tokens.isEmpty else { throw GroupingRuleError(line: lineNumber, message: "rule has no matchers before '->'") }
        var matchers: [Matcher] = []
        for token in tokens {
            guard case .word(let word) = token else { continue }
            let (negated, name, pattern) = try RuleLexer.matcher(word, lineNumber: lineNumber)
            if name.hasPrefix("tags.") && name.count > 5 {
                matchers.append(Matcher(key: .tag, tag: String(name.dropFirst(5)), pattern: pattern, negated: negated))
            } else if let key = keys[name] {
                if key == .app, Bool(ruleText: pattern) == nil {
                    throw GroupingRuleError(line: lineNumber, message: "app: takes yes or no, not '\(pattern)'")
                }
                matchers.append(Matcher(key: key, tag: nil, pattern: pattern, negated: negated))
            } else {
                throw GroupingRuleError(line: lineNumber, message: "unknown matcher '\(name)'")
            }
        }
        let (fingerprint, title) = try parseFingerprint(Array(chars[(arrow + 2)...]), lineNumber: lineNumber)
        guard !fingerprint.isEmpty else { throw GroupingRuleError(line: lineNumber, message: "rule has an empty fingerprint after '->'") }
        return FingerprintRule(matchers: matchers, fingerprint: fingerprint, title: title,
                               text: line.trimmingCharacters(in: .whitespaces))
    }

    /// `value, {{ var }}, "quoted, text" title="…"`.
    static func parseFingerprint(_ chars: [Character], lineNumber: Int) throws(GroupingRuleError) -> ([String], String?) {
        var values: [String] = []
        var title: String?
        var i = 0
        func quoted() throws(GroupingRuleError) -> String {
            var text = ""
            i += 1
            while i < chars.count {
                if chars[i] == "\\", i + 1 < chars.count { text.append(chars[i + 1]); i += 2; continue }
                if chars[i] == "\"" { i += 1; return text }
                text.append(chars[i]); i += 1
            }
            throw GroupingRuleError(line: lineNumber, message: "unterminated quoted value")
        }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace || c == "," { i += 1; continue }
            if c == "#" { break }
            if c == "{", i + 1 < chars.count, chars[i + 1] == "{" {
                var j = i + 2
                while j + 1 < chars.count, !(chars[j] == "}" && chars[j + 1] == "}") { j += 1 }
                guard j + 1 < chars.count else { throw GroupingRuleError(line: lineNumber, message: "unterminated '{{' variable") }
                values.append(String(chars[i...(j + 1)]))
                i = j + 2
                continue
            }
            if c == "\"" { values.append(try quoted()); continue }
            var word = ""
            while i < chars.count, !chars[i].isWhitespace, chars[i] != "," {
                if chars[i] == "=", i + 1 < chars.count, chars[i + 1] == "\"" {
                    i += 1
                    let attribute = try quoted()
                    guard word == "title" else { throw GroupingRuleError(line: lineNumber, message: "unknown attribute '\(word)'") }
                    title = attribute
                    word = ""
                    break
                }
                word.append(chars[i]); i += 1
            }
            if !word.isEmpty { values.append(word) }
        }
        return (values, title)
    }

    func matches(_ event: FingerprintEventValues) -> Bool {
        // Matchers of one kind must all hold for the same exception / frame.
        let groups = Dictionary(grouping: matchers, by: \.group)
        for (group, matchers) in groups {
            let candidates = event.candidates(for: group)
            guard candidates.contains(where: { values in matchers.allSatisfy { $0.matches(values) } }) else { return false }
        }
        return true
    }
}

extension FingerprintRule.Matcher {
    enum Group: Hashable { case toplevel, logInfo, exceptions, frames, tags, sdk, family, release }

    var group: Group {
        switch key {
        case .message: return .toplevel
        case .logger, .level: return .logInfo
        case .type, .value: return .exceptions
        case .tag: return .tags
        case .sdk: return .sdk
        case .family: return .family
        case .release: return .release
        case .path, .module, .function, .package, .app: return .frames
        }
    }

    func matches(_ values: [String: String]) -> Bool { positiveMatch(values) != negated }

    private func pathMatch(_ value: String?) -> Bool {
        guard let value else { return false }
        return glob.matches(value) || (!value.hasPrefix("/") && glob.matches("/" + value))
    }

    private func positiveMatch(_ values: [String: String]) -> Bool {
        switch key {
        case .path: return pathMatch(values["abs_path"]) || pathMatch(values["filename"])
        case .message:
            return [values["message"], values["value"]].contains { $0.map(glob.matches) ?? false }
        case .tag:
            return values["tags." + (tag ?? "")].map(glob.matches) ?? false
        default:
            break
        }
        guard let value = values[key.rawValue] else { return false }
        switch key {
        case .package, .release: return pathMatch(value)
        case .family, .sdk:
            let flags = pattern.split(separator: ",").map(String.init)
            return flags.contains("all") || flags.contains(value)
        case .app: return Bool(ruleText: value) == Bool(ruleText: pattern)
        default: return glob.matches(value)
        }
    }
}

/// The event as fingerprint rules see it: one value set per exception, per frame, and so on.
struct FingerprintEventValues {
    var toplevel: [[String: String]] = []
    var logInfo: [[String: String]] = []
    var exceptions: [[String: String]] = []
    var frames: [[String: String]] = []
    var tags: [[String: String]] = []
    var sdk: [[String: String]] = []
    var family: [[String: String]] = []
    var release: [[String: String]] = []

    func candidates(for group: FingerprintRule.Matcher.Group) -> [[String: String]] {
        switch group {
        case .toplevel: return toplevel
        case .logInfo: return logInfo
        case .exceptions: return exceptions
        case .frames: return frames
        case .tags: return tags
        case .sdk: return sdk
        case .family: return family
        case .release: return release
        }
    }

    init(_ event: SentryEvent, stacktraces: [[StackFrame]]) {
        let json = event.json
        let platform = event.platform
        let message = json["logentry"]?["formatted"]?.string ?? json["logentry"]?["message"]?.string ?? event.message
        toplevel = [["message": message].compactMapValues { $0 }]
        toplevel += event.exceptions.compactMap { $0.value.map { ["value": $0] } }
        logInfo = [["logger": event.logger, "level": event.level].compactMapValues { $0 }]
        exceptions = event.exceptions.map { ["type": $0.type, "value": $0.value].compactMapValues { $0 } }
        frames = stacktraces.flatMap { $0 }.map { frame in
            [
                "function": frame.function ?? "<unknown>",
                "abs_path": frame.absPath ?? frame.filename,
                "filename": frame.filename,
                "module": frame.module,
                "package": frame.package,
                "app": frame.inApp.map { $0 ? "yes" : "no" },
            ].compactMapValues { $0 }
        }
        var tagValues: [String: String] = [:]
        for (key, value) in event.tags { tagValues["tags." + key] = value }
        tags = [tagValues]
        sdk = json["sdk"]?["name"]?.string.map { [["sdk": $0]] } ?? []
        family = [["family": PlatformFamily.of(platform)]]
        release = event.release.map { [["release": $0]] } ?? []
    }
}
