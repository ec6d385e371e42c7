import Foundation
import EventModel

/// One frame's grouping component (Sentry's `frame:v1` in `newstyle:2023-01-11`): module, else
/// filename basename; function with per-platform cleanups; context line where Sentry trusts the
/// source. Line and column numbers never take part.
enum FrameComponent {
    /// Platforms whose context lines Sentry uses (source is reliably available there).
    static let contextLinePlatforms: Set<String> = ["javascript", "node", "python", "php", "ruby"]

    static func build(_ frame: StackFrame, eventPlatform: String?) -> GroupingComponent {
        let platform = frame.platform ?? eventPlatform
        let family = PlatformFamily.of(platform)
        var filename = filenameComponent(frame, platform: platform)
        let module = moduleComponent(frame, platform: platform)
        if module.contributes && filename.contributes { filename.ignore("ignored because module takes precedence") }

        var contextLine: GroupingComponent?
        if let line = frame.contextLine, !line.isEmpty, let platform, contextLinePlatforms.contains(platform) {
            contextLine = contextLineComponent(line, frame: frame, family: family)
        }
        var function = functionComponent(frame, platform: platform, family: family,
                                         contextLineContributes: contextLine?.contributes ?? false)
        var frameNode: GroupingComponent
        if family == "javascript" {
            // Browsers disagree on anonymous names and noise frames; those are left out.
            var name = frame.rawFunction ?? frame.function
            if let dot = name?.lastIndex(of: ".") { name = String(name![name!.index(after: dot)...]) }
            if name == nil || name!.isEmpty {
                function.contributes = false
            } else if ["?", "<anonymous function>", "<anonymous>", "Anonymous function"].contains(name!) || name!.hasSuffix("/<") {
                function.ignore("ignored unknown function name")
            }
            frameNode = .node("frame", [module, filename, function] + (contextLine.map { [$0] } ?? []))
            if name == "eval" || ["[native code]", "native code", "eval code", "<anonymous>"].contains(frame.absPath ?? "\u{0}") {
                frameNode.ignore("ignored low quality javascript frame")
            }
        } else {
            frameNode = .node("frame", [module, filename, function] + (contextLine.map { [$0] } ?? []))
        }
        return frameNode
    }

    static func basename(_ path: String) -> String {
        String(path.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "")
    }

    /// `http:`, `https:`, `applewebdata:`, `blob:` paths are URLs; `file:` ones only when asked.
    static func hasURLOrigin(_ path: String?, filesCountAsURLs: Bool) -> Bool {
        guard let path, !path.isEmpty else { return false }
        if path.hasPrefix("http:") || path.hasPrefix("https:") || path.hasPrefix("applewebdata:") || path.hasPrefix("blob:") { return true }
        if path.hasPrefix("file:") { return filesCountAsURLs }
        return false
    }

    static func filenameComponent(_ frame: StackFrame, platform: String?) -> GroupingComponent {
        guard let raw = frame.filename else { return .leaf("filename", []) }
        let name = basename(raw).lowercased()
        var component = GroupingComponent.leaf("filename", [name])
        if hasURLOrigin(frame.absPath, filesCountAsURLs: false) {
            component.ignore("ignored because frame points to a URL")
        } else if name == "<anonymous>" {
            component.ignore("ignored because filename is anonymous")
        } else if name == "[native code]" {
            component.ignore("ignored because filename suggests native code")
        } else if platform == "java" {
            let cleaned = JavaCodegen.javassist.replace(name)
            if cleaned != name { component.values = [cleaned]; component.hint = "cleaned javassist parts" }
        }
        return component
    }

    static func moduleComponent(_ frame: StackFrame, platform: String?) -> GroupingComponent {
        guard let module = frame.module else { return .leaf("module", []) }
        var component = GroupingComponent.leaf("module", [module])
        if platform == "javascript", module.contains("/"), let abs = frame.absPath, abs.hasSuffix(module) {
            component.ignore("ignored bad javascript module")
        } else if platform == "java" {
            if module.contains("$$Lambda$") { component.ignore("ignored java lambda") }
            if module.hasPrefix("sun.reflect.GeneratedMethodAccessor") {
                component.values = ["sun.reflect.GeneratedMethodAccessor"]
                component.hint = "removed reflection marker"
            } else if module.hasPrefix("jdk.internal.reflect.GeneratedMethodAccessor") {
                component.values = ["jdk.internal.reflect.GeneratedMethodAccessor"]
                component.hint = "removed reflection marker"
            } else {
                let cleaned = JavaCodegen.cleanModule(module)
                if cleaned != module { component.values = [cleaned]; component.hint = "removed codegen marker" }
            }
        }
        return component
    }

    static func functionComponent(_ frame: StackFrame, platform: String?, family: String,
                                  contextLineContributes: Bool) -> GroupingComponent {
        var name: String?
        if platform == "csharp" {
            // C# names were trimmed late in Sentry's history; the raw name keeps old hashes.
            name = frame.rawFunction ?? frame.function
        } else {
            name = frame.function ?? frame.rawFunction
            if frame.rawFunction == nil, let function = frame.function {
                name = FrameFunctionCleanup.trim(function, platform: platform)
            }
        }
        guard let name, !name.isEmpty else { return .leaf("function", []) }
        var component = GroupingComponent.leaf("function", [name])
        switch platform {
        case "ruby":
            if name.hasPrefix("block ") {
                component.values = ["block"]; component.hint = "ruby block"
            } else if let cleaned = RubyTemplate.strip(name), cleaned != name {
                component.values = [cleaned]; component.hint = "removed generated erb template suffix"
            }
        case "php":
            if name.hasPrefix("[Anonymous") || name.hasPrefix("class@anonymous\u{0}") {
                component.ignore("ignored anonymous function")
            }
            if name.hasPrefix("class@anonymous"), let range = name.range(of: "::", options: .backwards) {
                component.values = [String(name[range.upperBound...])]; component.hint = "anonymous class method"
            }
        case "java":
            if name.hasPrefix("lambda$") { component.ignore("ignored lambda function") }
        default:
            if family == "native" {
                if name == "<redacted>" || name == "<unknown>" { component.ignore("ignored unknown function") }
            } else if family == "javascript" {
                if let dot = name.lastIndex(of: ".") {
                    component.values = [String(name[name.index(after: dot)...])]
                    component.hint = "trimmed javascript function"
                }
                if frame.usedSourcemap && contextLineContributes {
                    component.ignore("ignored because sourcemap used and context line available")
                }
            }
        }
        return component
    }

    static func contextLineComponent(_ raw: String, frame: StackFrame, family: String) -> GroupingComponent {
        let line = collapsingWhitespace(raw)
        guard !line.isEmpty else { return .leaf("context-line", []) }
        var component = GroupingComponent.leaf("context-line", [line])
        // A string has at most as many characters as UTF-8 bytes; counting characters is slower.
        if raw.utf8.count > 120 && raw.count > 120 {
            component.ignore("ignored because line is too long")
        } else if family == "javascript", frame.function == nil || frame.function!.isEmpty,
                  hasURLOrigin(frame.absPath, filesCountAsURLs: true) {
            component.ignore("ignored because file path is a URL and function name is missing")
        }
        return component
    }
}

extension FrameComponent {
    /// Whitespace runs become one space, none at the ends. Printable ASCII (and tabs) is done on
    /// bytes, where a space or tab is exactly what `Character.isWhitespace` says it is there.
    static func collapsingWhitespace(_ raw: String) -> String {
        let printable = raw.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7f) || $0 == 0x09 }
        guard printable else { return raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var pendingSpace = false
        for byte in raw.utf8 {
            if byte == 0x20 || byte == 0x09 {
                pendingSpace = !bytes.isEmpty
            } else {
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Ruby ERB templates compile to methods suffixed `__1234_5678`.
enum RubyTemplate {
    static func strip(_ name: String) -> String? {
        let parts = name.components(separatedBy: "__")
        guard parts.count >= 2, let tail = parts.last else { return nil }
        let numbers = tail.split(separator: "_", omittingEmptySubsequences: false)
        guard numbers.count == 2, numbers.allSatisfy({ $0.count >= 4 && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        return String(name.dropLast(tail.count + 2))
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Class names that Java code generators make unique per run (proxies, accessors, closures).
enum JavaCodegen {
    struct Rule: @unchecked Sendable {
        let regex: NSRegularExpression
        let template: String
        func replace(_ text: String) -> String {
            regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
        }
    }

    static func rule(_ pattern: String) -> Rule {
        // Patterns are constants; a failure here is a programming error.
        Rule(regex: try! NSRegularExpression(pattern: pattern), template: "$1<auto>")
    }

    static let reflectConstructor = rule(#"(sun\.reflect\.Generated(?:Serialization)?ConstructorAccessor)\d+"#)
    static let cglib = rule(#"(\$\$[\w_]+?CGLIB\$\$)[a-fA-F0-9]+(_[0-9]+)?"#)
    static let javassist = rule(#"(\$\$_javassist)(?:_seam)?(?:_[0-9]+)?"#)
    static let clojure = rule(#"(\$fn__)\d+"#)
    static let enhancerBy = rule(#"(\$\$?EnhancerBy[\w_]+?\$?\$)[a-fA-F0-9]+(_[0-9]+)?"#)
    static let fastClassBy = rule(#"(\$\$?FastClassBy[\w_]+?\$?\$)[a-fA-F0-9]+(_[0-9]+)?"#)
    static let hibernateProxy = rule(#"(\$\$?HibernateProxy\$?\$)\w+(_[0-9]+)?"#)

    static func cleanModule(_ module: String) -> String {
        [reflectConstructor, cglib, javassist, clojure, enhancerBy, fastClassBy, hibernateProxy]
            .reduce(module) { $1.replace($0) }
    }
}
