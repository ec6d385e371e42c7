import Foundation
import EventModel

/// `{{ variable }}` entries of a fingerprint, resolved as Sentry does; unknown variables stay as
/// written, and missing data resolves to a `<no-…>` marker so it still groups consistently.
enum FingerprintVariables {
    /// The variable name of an entry that is exactly `{{ name }}`.
    static func variableName(_ entry: String) -> String? {
        guard entry.hasPrefix("{{"), entry.hasSuffix("}}"), entry.count >= 4 else { return nil }
        let inner = entry.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespaces)
        guard !inner.isEmpty, !inner.contains(where: \.isWhitespace) else { return nil }
        return inner
    }

    static func isDefault(_ entry: String) -> Bool { variableName(entry) == "default" }

    static func resolve(_ entry: String, event: SentryEvent) -> String {
        guard let name = variableName(entry) else { return entry }
        if name == "default" { return "{{ default }}" }
        return value(of: name, event: event) ?? entry
    }

    static func value(of name: String, event: SentryEvent) -> String? {
        let json = event.json
        let last = event.exceptions.last
        func nonEmpty(_ text: String?) -> String? { (text?.isEmpty ?? true) ? nil : text }
        switch name {
        case "transaction": return nonEmpty(event.transaction) ?? "<no-transaction>"
        case "message":
            return nonEmpty(json["logentry"]?["formatted"]?.string) ?? nonEmpty(json["logentry"]?["message"]?.string)
                ?? nonEmpty(json["message"]?.string) ?? nonEmpty(last?.value) ?? "<no-message>"
        case "type", "error.type": return nonEmpty(last?.type) ?? "<no-type>"
        case "value", "error.value": return nonEmpty(last?.value) ?? "<no-value>"
        case "function", "stack.function": return nonEmpty(CrashFrame.find(event)?.function) ?? "<no-function>"
        case "path", "stack.abs_path":
            let frame = CrashFrame.find(event)
            return nonEmpty(frame?.absPath) ?? nonEmpty(frame?.filename) ?? "<no-abs-path>"
        case "stack.filename":
            let frame = CrashFrame.find(event)
            return nonEmpty(frame?.filename) ?? nonEmpty(frame?.absPath) ?? "<no-filename>"
        case "module", "stack.module": return nonEmpty(CrashFrame.find(event)?.module) ?? "<no-module>"
        case "package", "stack.package":
            let package = CrashFrame.find(event)?.package.map { String($0.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "") }
            return nonEmpty(package) ?? "<no-package>"
        case "level": return nonEmpty(event.level) ?? "<no-level>"
        case "logger": return nonEmpty(event.logger) ?? "<no-logger>"
        default:
            if name.hasPrefix("tags.") {
                let tag = String(name.dropFirst(5))
                return event.tags.first { $0.0 == tag }?.1 ?? "<no-value-for-tag-\(tag)>"
            }
            return nil
        }
    }

    /// Expands every `{{ … }}` inside a title template.
    static func expandTitle(_ template: String, event: SentryEvent) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            result += rest[..<open.lowerBound]
            let entry = String(rest[open.lowerBound..<close.upperBound])
            result += variableName(entry).flatMap { value(of: $0, event: event) } ?? entry
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}

/// The frame closest to the crash: the last in-app frame of the main stack trace, else its last
/// frame (the exception's, the event's, or the only thread's).
enum CrashFrame {
    static func find(_ event: SentryEvent) -> StackFrame? {
        var frames = event.exceptions.last?.frames ?? []
        if frames.isEmpty { frames = event.json["stacktrace"]?["frames"]?.array?.filter { !$0.isNull }.map(StackFrame.init) ?? [] }
        if frames.isEmpty, let threads = event.json["threads"]?["values"]?.array, threads.count == 1 {
            frames = threads[0]["stacktrace"]?["frames"]?.array?.filter { !$0.isNull }.map(StackFrame.init) ?? []
        }
        return frames.last(where: { $0.inApp == true }) ?? frames.last
    }
}
