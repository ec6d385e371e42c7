import Foundation
import EventModel

/// Sentry's stack trace rules ("grouping enhancements"): each line is frame matchers followed
/// by actions, e.g. `stack.module:requests.* -app` or `family:native function:abort ^-group`.
/// Later rules win. `+app/-app` set in_app; `+group/-group` decide whether frames contribute;
/// `^` applies an action to the frames above the match (towards the crash), `v` to those below;
/// `category=name` tags frames for `category:` matchers; `[ caller ] |` and `| [ callee ]`
/// constrain neighbours.
public struct StackTraceRules: Sendable, Equatable {
    public var rules: [StackTraceRule]

    public init(rules: [StackTraceRule] = []) { self.rules = rules }

    public static func parse(_ text: String) throws(GroupingRuleError) -> StackTraceRules {
        var rules: [StackTraceRule] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let rule = try StackTraceRule.parse(String(line), lineNumber: index + 1) { rules.append(rule) }
        }
        return StackTraceRules(rules: rules)
    }

    /// The frame as rules see it, its texts prepared once for all the rules' globs. A class: every
    /// rule reads every frame, and handing a struct of this size around costs a dozen reference
    /// counts per read. One run of the rules owns its frames.
    final class MatchFrame {
        let family: String
        let function: GlobSubject?
        let module: GlobSubject?
        let package: PathSubject?
        let path: PathSubject?
        var inApp: Bool
        var category: GlobSubject?

        init(family: String, function: GlobSubject?, module: GlobSubject?, package: PathSubject?, path: PathSubject?,
             inApp: Bool, category: GlobSubject?) {
            self.family = family
            self.function = function
            self.module = module
            self.package = package
            self.path = path
            self.inApp = inApp
            self.category = category
        }
    }

    /// A path or package as `path:`/`package:` globs see it: lower-cased, `\` as `/`, and also
    /// with a leading `/` when it has none (Sentry matches both forms).
    struct PathSubject {
        var plain: GlobSubject
        var slashed: GlobSubject?

        /// Nil for an empty value, which no path glob matches.
        init?(_ value: String) {
            guard !value.isEmpty else { return nil }
            plain = GlobSubject(value, lowercase: true, pathNormalize: true)
            // The leading `/` is looked for before `\` becomes `/`, as the rules always did.
            if plain.ascii != nil {
                slashed = value.utf8.first == UInt8(ascii: "/") ? nil : GlobSubject("/" + plain.text)
            } else {
                let lowered = value.lowercased()
                slashed = lowered.hasPrefix("/") ? nil : GlobSubject("/" + lowered, pathNormalize: true)
            }
        }
    }

    /// The exception a stack trace belongs to (for `error.type` / `error.value` matchers).
    struct ExceptionInfo: Equatable {
        var type: String?
        var value: String?
        var mechanism: String?
    }

    /// What the rules decided for each frame: in_app (nil: untouched), category, and whether it
    /// may contribute to grouping (nil: no rule said).
    struct Outcome {
        var inApp: [Bool?]
        var category: [String?]
        var group: [Bool?]
    }

    static func matchFrames(_ frames: [StackFrame], eventPlatform: String?) -> [MatchFrame] {
        frames.map { frame in
            let platform = frame.platform ?? eventPlatform
            let function = frame.function.map { frame.rawFunction == nil ? FrameFunctionCleanup.trim($0, platform: platform) : $0 }
            return MatchFrame(
                family: PlatformFamily.of(platform),
                function: function.map { GlobSubject($0) },
                module: frame.module.map { GlobSubject($0) },
                package: frame.package.flatMap(PathSubject.init),
                path: (frame.absPath ?? frame.filename).flatMap(PathSubject.init),
                inApp: frame.inApp ?? false,
                category: frame.category.map { GlobSubject($0) })
        }
    }

    /// Runs the rules over one stack trace, rule by rule, so a rule sees earlier rules' changes.
    /// Frames are visited once per rule: a `^` action (all frames above) is remembered and
    /// written to each later frame when the visit reaches it, and only the last `v` action (all
    /// frames below) can decide those frames, so it is written once after the visit. That gives
    /// the same result as writing every range at once, in time linear in the frames.
    func apply(to frames: [StackFrame], eventPlatform: String?, exception: ExceptionInfo?) -> Outcome {
        let matchFrames = Self.matchFrames(frames, eventPlatform: eventPlatform)
        var outcome = Outcome(inApp: Array(repeating: nil, count: frames.count),
                              category: frames.map(\.category),
                              group: Array(repeating: nil, count: frames.count))
        func set(_ target: StackTraceRule.Target, _ position: Int, _ flag: Bool) {
            switch target {
            case .app:
                outcome.inApp[position] = flag
                matchFrames[position].inApp = flag
            case .group:
                outcome.group[position] = flag
            }
        }
        for ruleIndex in rules.indices {
            var upApp: Bool?, upGroup: Bool?
            var downApp: (end: Int, flag: Bool)?, downGroup: (end: Int, flag: Bool)?
            for index in matchFrames.indices {
                // `^` actions of earlier frames reach this frame, and the next one (which callee
                // matchers read), before the rule looks at them.
                for position in index...min(index + 1, matchFrames.count - 1) {
                    if let flag = upApp { set(.app, position, flag) }
                    if let flag = upGroup { set(.group, position, flag) }
                }
                guard rules[ruleIndex].matches(matchFrames, at: index, exception: exception) else { continue }
                for action in rules[ruleIndex].actions {
                    switch action {
                    case .flag(let flag, let target, let range):
                        switch (range, target) {
                        case (.frame, _): set(target, index, flag)
                        case (.up, .app): upApp = flag
                        case (.up, .group): upGroup = flag
                        case (.down, .app): downApp = (index, flag)
                        case (.down, .group): downGroup = (index, flag)
                        }
                    case .category(let name):
                        outcome.category[index] = name
                        matchFrames[index].category = GlobSubject(name)
                    case .ignoredVariable:
                        break
                    }
                }
            }
            // A `v` action's frames were all visited before it: later visits never read them.
            if let down = downApp { for position in 0..<down.end { set(.app, position, down.flag) } }
            if let down = downGroup { for position in 0..<down.end { set(.group, position, down.flag) } }
        }
        return outcome
    }
}

public struct StackTraceRule: Sendable, Equatable {
    public enum Key: String, Sendable {
        case family, path, module, function, package, app, category, type, value, mechanism
    }

    public struct Matcher: Sendable, Equatable {
        public let key: Key
        public let pattern: String
        public let negated: Bool
        let glob: Glob
        /// `family:` patterns, split once: the families named, and whether `all` is among them.
        let families: [String]
        let allFamilies: Bool
        /// `app:` patterns as a boolean (nil for other keys).
        let app: Bool?

        init(key: Key, pattern: String, negated: Bool) {
            self.key = key
            self.pattern = pattern
            self.negated = negated
            switch key {
            case .path, .package: glob = Glob(pattern.lowercased(), pathNormalize: true, doubleStar: true)
            case .value: glob = Glob(pattern, ignoreCase: true)
            default: glob = Glob(pattern)
            }
            families = key == .family ? pattern.split(separator: ",").map(String.init) : []
            allFamilies = families.contains("all")
            app = key == .app ? Bool(ruleText: pattern) : nil
        }
    }

    public enum Target: Sendable, Equatable { case app, group }

    /// Which frames an action touches relative to the matched one: `up` the frames after it
    /// (towards the crash; frames are oldest first), `down` those before it.
    public enum Range: Sendable, Equatable {
        case frame, up, down
    }

    public enum Action: Sendable, Equatable {
        case flag(Bool, Target, Range)
        case category(String)
        /// `max-frames`, `min-frames`, `invert-stacktrace`: accepted, not applied.
        case ignoredVariable(String)
    }

    public var caller: [Matcher]
    public var matchers: [Matcher]
    public var callee: [Matcher]
    public var actions: [Action]
    /// The rule as written, for hints.
    public var text: String

    static let keys: [String: Key] = [
        "family": .family,
        "path": .path, "stack.abs_path": .path,
        "module": .module, "stack.module": .module,
        "function": .function, "stack.function": .function,
        "package": .package, "stack.package": .package,
        "app": .app, "stack.app": .app,
        "category": .category,
        "type": .type, "error.type": .type,
        "value": .value, "error.value": .value,
        "mechanism": .mechanism, "error.mechanism": .mechanism,
    ]

    static func parse(_ line: String, lineNumber: Int) throws(GroupingRuleError) -> StackTraceRule? {
        let tokens = try RuleLexer.tokens(line, lineNumber: lineNumber, punctuation: ["[", "]", "|"])
        guard !tokens.isEmpty else { return nil }
        var caller: [Matcher] = [], matchers: [Matcher] = [], callee: [Matcher] = [], actions: [Action] = []
        var i = 0
        func bracketed() throws(GroupingRuleError) -> [Matcher] {
            var found: [Matcher] = []
            i += 1
            while i < tokens.count, case .word(let word) = tokens[i] {
                found.append(try matcher(word, lineNumber: lineNumber))
                i += 1
            }
            guard i < tokens.count, tokens[i] == .punct("]"), !found.isEmpty else {
                throw GroupingRuleError(line: lineNumber, message: "expected matchers and ']' in a caller/callee group")
            }
            i += 1
            return found
        }
        if tokens.first == .punct("[") {
            caller = try bracketed()
            guard i < tokens.count, tokens[i] == .punct("|") else {
                throw GroupingRuleError(line: lineNumber, message: "expected '|' after a caller group")
            }
            i += 1
        }
        while i < tokens.count, case .word(let word) = tokens[i], !isAction(word) {
            matchers.append(try matcher(word, lineNumber: lineNumber))
            i += 1
        }
        if i < tokens.count, tokens[i] == .punct("|") {
            i += 1
            guard i < tokens.count, tokens[i] == .punct("[") else {
                throw GroupingRuleError(line: lineNumber, message: "expected '[' after '|'")
            }
            callee = try bracketed()
        }
        guard !matchers.isEmpty else { throw GroupingRuleError(line: lineNumber, message: "rule has no frame matchers") }
        while i < tokens.count {
            guard case .word(let word) = tokens[i] else {
                throw GroupingRuleError(line: lineNumber, message: "unexpected '\(tokens[i])'")
            }
            actions.append(try action(word, lineNumber: lineNumber))
            i += 1
        }
        guard !actions.isEmpty else {
            throw GroupingRuleError(line: lineNumber, message: "rule has no actions (like +app, -group or category=name)")
        }
        return StackTraceRule(caller: caller, matchers: matchers, callee: callee, actions: actions,
                              text: line.trimmingCharacters(in: .whitespaces))
    }

    /// Actions are `name=value` or flags like `+app`, `^-group`, `v+app` (matchers have a colon).
    static func isAction(_ word: String) -> Bool {
        if word.contains(":") { return false }
        if word.contains("=") || word.hasPrefix("+") || word.hasPrefix("-") || word.hasPrefix("^") { return true }
        return word.hasPrefix("v+") || word.hasPrefix("v-")
    }

    static func action(_ word: String, lineNumber: Int) throws(GroupingRuleError) -> Action {
        if let equals = word.firstIndex(of: "=") {
            let name = String(word[..<equals]), value = String(word[word.index(after: equals)...])
            switch name {
            case "category":
                guard !value.isEmpty else { throw GroupingRuleError(line: lineNumber, message: "category= needs a name") }
                return .category(value)
            case "max-frames", "min-frames", "invert-stacktrace":
                return .ignoredVariable(name)
            default:
                throw GroupingRuleError(line: lineNumber, message: "unknown variable '\(name)'")
            }
        }
        var text = Substring(word)
        var range = Range.frame
        if text.hasPrefix("^") { range = .up; text = text.dropFirst() } else if text.hasPrefix("v") { range = .down; text = text.dropFirst() }
        switch text {
        case "+app": return .flag(true, .app, range)
        case "-app": return .flag(false, .app, range)
        case "+group": return .flag(true, .group, range)
        case "-group": return .flag(false, .group, range)
        default: throw GroupingRuleError(line: lineNumber, message: "unknown action '\(word)'")
        }
    }

    static func matcher(_ word: String, lineNumber: Int) throws(GroupingRuleError) -> Matcher {
        let (negated, name, pattern) = try RuleLexer.matcher(word, lineNumber: lineNumber)
        guard let key = keys[name] else { throw GroupingRuleError(line: lineNumber, message: "unknown matcher '\(name)'") }
        if key == .app, Bool(ruleText: pattern) == nil {
            throw GroupingRuleError(line: lineNumber, message: "app: takes yes or no, not '\(pattern)'")
        }
        return Matcher(key: key, pattern: pattern, negated: negated)
    }

    func matches(_ frames: [StackTraceRules.MatchFrame], at index: Int, exception: StackTraceRules.ExceptionInfo?) -> Bool {
        guard Self.all(matchers, match: frames, at: index, exception: exception) else { return false }
        if !caller.isEmpty {
            guard index > 0, Self.all(caller, match: frames, at: index - 1, exception: exception) else { return false }
        }
        if !callee.isEmpty {
            guard index + 1 < frames.count, Self.all(callee, match: frames, at: index + 1, exception: exception) else { return false }
        }
        return true
    }

    /// A plain loop rather than `allSatisfy`, whose closure is handed its own copy of each matcher.
    private static func all(_ matchers: [Matcher], match frames: [StackTraceRules.MatchFrame], at index: Int,
                            exception: StackTraceRules.ExceptionInfo?) -> Bool {
        let frame = frames[index]
        for position in matchers.indices where !matchers[position].matches(frame, exception: exception) {
            return false
        }
        return true
    }
}

extension StackTraceRule.Matcher {
    func matches(_ frame: StackTraceRules.MatchFrame, exception: StackTraceRules.ExceptionInfo?) -> Bool {
        positiveMatch(frame, exception: exception) != negated
    }

    private func positiveMatch(_ frame: StackTraceRules.MatchFrame, exception: StackTraceRules.ExceptionInfo?) -> Bool {
        // `if let` rather than `optional.map(glob.matches)`: that closure would copy the glob.
        switch key {
        case .family:
            return allFamilies || families.contains(frame.family)
        case .app:
            return app == frame.inApp
        case .path, .package:
            guard let value = key == .path ? frame.path : frame.package else { return false }
            if glob.matches(value.plain) { return true }
            if let slashed = value.slashed { return glob.matches(slashed) }
            return false
        case .module: if let module = frame.module { return glob.matches(module) } else { return false }
        case .function: if let function = frame.function { return glob.matches(function) } else { return false }
        case .category: if let category = frame.category { return glob.matches(category) } else { return false }
        case .type: if let type = exception?.type { return glob.matches(type) } else { return false }
        case .value: if let value = exception?.value { return glob.matches(value) } else { return false }
        case .mechanism: if let mechanism = exception?.mechanism { return glob.matches(mechanism) } else { return false }
        }
    }
}

extension Bool {
    /// Sentry's rule booleans: 1/yes/true and 0/no/false, any case.
    init?(ruleText: String) {
        switch ruleText.lowercased() {
        case "1", "yes", "true": self = true
        case "0", "no", "false": self = false
        default: return nil
        }
    }
}
