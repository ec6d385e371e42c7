import EventModel

/// Sentry's normalizer for the event's attributes and shapes, as `sentry-relay` 0.10.1 does it
/// (checked by bench/parity): the level (names, Python's numeric levels), `environment`,
/// `release` and `dist` trimmed and dropped when Sentry finds them invalid, the message in
/// `logentry` (formatted with its params), an exception object or list put under `values` (its
/// `type` and `module` are cut by `EventTrimming`), unknown user fields
/// moved into `user.data`, breadcrumbs under `values` with their default type and level, each
/// context given its `type` (and `os`/`browser`/`runtime` their `name version` description),
/// frames given `abs_path` from `filename`. Pure; what it finds invalid or rewrites it records in
/// `meta` as the package does (`err` with the reason and the original `val`, `rem`, `len`).
enum EventAttributes {
    static func apply(_ event: inout [String: JSON], meta: inout EventMeta) {
        normalizeVersions(&event, meta: &meta)
        normalizeJavaLogger(&event, meta: &meta)
        normalizeMessage(&event)
        normalizeExceptions(&event, meta: &meta)
        normalizeUser(&event)
        normalizeBreadcrumbs(&event, meta: &meta)
        normalizeContexts(&event)
    }

    // MARK: level

    static let levels: Set<String> = ["fatal", "error", "warning", "info", "debug"]

    /// Sentry's level: its five names (exactly, lower case), `log` and `critical`, and Python's
    /// numeric levels given as numbers; anything else is `error`.
    static func level(_ value: JSON?) -> String {
        switch value {
        case .string(let name)?:
            if levels.contains(name) { return name }
            if name == "log" { return "info" }
            if name == "critical" { return "fatal" }
            return "error"
        case .int(let number)?:
            switch number {
            case 10: return "debug"
            case 20: return "info"
            case 30: return "warning"
            case 40: return "error"
            case 50: return "fatal"
            default: return "error"
            }
        default:
            return "error"
        }
    }

    /// What Sentry records about a level it replaced by `error` (nil for a valid or absent one).
    static func levelProblem(_ value: JSON?) -> EventMeta.Problem? {
        switch value {
        case nil, .null?: return nil
        case .string(let name)?:
            return levels.contains(name) || name == "log" || name == "critical" ? nil : .invalidData("invalid level")
        case .int(let number)?:
            return [10, 20, 30, 40, 50].contains(number) ? nil : .invalidData()
        default:
            return .invalidData("expected a level")
        }
    }

    /// The event's level, with the problem recorded at `path` when the value was replaced.
    static func level(_ value: JSON?, meta: inout EventMeta, at path: [String]) -> String {
        if let problem = levelProblem(value), let value { meta.addError(problem, at: path, originalValue: value) }
        return level(value)
    }

    // MARK: environment, release, dist

    static func normalizeVersions(_ event: inout [String: JSON], meta: inout EventMeta) {
        for (key, checked) in [("environment", validatedEnvironment), ("release", validatedRelease), ("dist", validatedDist)] {
            guard let value = event[key], value != .null else { continue }
            switch checked(value) {
            case .success(let text): event[key] = .string(text)
            case .failure(let rejection):
                event[key] = nil
                // Not a ternary: with `JSON` as its type, `nil` there would be read as JSON's `null`.
                var original: JSON?
                if rejection.keepsValue { original = value }
                meta.addError(rejection.problem, at: [key], originalValue: original)
            }
        }
    }

    /// Why Sentry removed a value, and whether it keeps the original in `_meta` (not for an empty one).
    struct Rejection: Error {
        let problem: EventMeta.Problem
        let keepsValue: Bool
        static let empty = Rejection(problem: .invalidData("expected a non-empty string"), keepsValue: false)
    }

    static func validatedEnvironment(_ value: JSON) -> Result<String, Rejection> {
        guard case .string(let text) = value else { return .failure(Rejection(problem: .invalidData("expected a string"), keepsValue: true)) }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .failure(.empty) }
        guard trimmed.count <= 64, !isInvalidEnvironment(trimmed) else { return .failure(Rejection(problem: .invalidData(), keepsValue: true)) }
        return .success(trimmed)
    }

    static func validatedRelease(_ value: JSON) -> Result<String, Rejection> {
        switch value {
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return .failure(.empty) }
            guard trimmed.count <= 200, !isInvalidRelease(trimmed) else { return .failure(Rejection(problem: .invalidData(), keepsValue: true)) }
            return .success(trimmed)
        case .object, .array:
            return .failure(Rejection(problem: .invalidData("expected a primitive value"), keepsValue: true))
        default:
            // Numbers and booleans: removed as before (Sentry keeps them as text); nothing recorded.
            return .failure(Rejection(problem: .invalidData(), keepsValue: false))
        }
    }

    static func validatedDist(_ value: JSON) -> Result<String, Rejection> {
        guard case .string(let text) = value else { return .failure(Rejection(problem: .invalidData("expected a string"), keepsValue: true)) }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .failure(.empty) }
        if trimmed.count > 64 { return .failure(Rejection(problem: EventMeta.Problem("value_too_long"), keepsValue: true)) }
        if let space = trimmed.first(where: \.isWhitespace) {
            return .failure(Rejection(problem: .invalidData("invalid character '\(debugText(space))'"), keepsValue: true))
        }
        return .success(trimmed)
    }

    /// A character as Rust's `Debug` writes it in Sentry's reasons (`\t`, `\n`, `\r` escaped).
    static func debugText(_ character: Character) -> String {
        switch character {
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\r\n": return "\\r\\n"
        default: return String(character)
        }
    }

    static func isInvalidEnvironment(_ text: String) -> Bool {
        text.contains("/") || text.contains(where: { $0.isNewline || $0 == "\t" }) || text.lowercased() == "none"
    }

    static func isInvalidRelease(_ text: String) -> Bool {
        text == "." || text == ".." || text.lowercased() == "latest" || text.contains("/")
            || text.contains(where: { $0.isNewline || $0 == "\t" || $0.asciiValue.map { $0 < 0x20 } == true })
    }

    /// Java loggers (`com.example.Service`): trimmed, and beyond 64 characters their last 63 after
    /// a `*`, as Sentry keeps the class name end; other platforms' loggers are only trimmed to 64
    /// characters by `EventTrimming`.
    /// Sentry records these remarks on the event's root, not on `logger` (as 0.10.1 does).
    static func normalizeJavaLogger(_ event: inout [String: JSON], meta: inout EventMeta) {
        guard event["platform"]?.string == "java", case .string(let logger)? = event["logger"] else { return }
        let trimmed = logger.trimmingCharacters(in: .whitespacesAndNewlines)
        let length = logger.unicodeScalars.count
        if trimmed.count > 64 {
            event["logger"] = .string("*" + trimmed.suffix(63))
            meta.addRemark(.init("@logger:replace", .substituted, range: 0..<17), at: [], originalLength: length)
        } else {
            event["logger"] = .string(trimmed)
            if trimmed != logger { meta.addRemark(.init("@logger:trim", .substituted), at: [], originalLength: length) }
        }
    }

    // MARK: message

    /// `message` (a string or an object) becomes `logentry` unless one is there; `logentry.formatted`
    /// is the message formatted with its params; the template is kept only when it differs.
    static func normalizeMessage(_ event: inout [String: JSON]) {
        if event["logentry"] == nil || event["logentry"] == .null {
            switch event["message"] {
            case .string(let text)?: event["logentry"] = .object(["formatted": .string(text)])
            case .object(let members)?: event["logentry"] = .object(members)
            default: break
            }
        }
        if event["logentry"] != nil { event["message"] = nil }
        guard case .object(var entry)? = event["logentry"] else { return }
        let params = entry["params"]
        if entry["formatted"]?.string == nil, let template = entry["message"]?.string {
            entry["formatted"] = .string(MessageFormatting.format(template, params) ?? template)
        }
        if entry["message"]?.string == entry["formatted"]?.string { entry["message"] = nil }
        event["logentry"] = .object(entry)
    }

    // MARK: exceptions

    static func normalizeExceptions(_ event: inout [String: JSON], meta: inout EventMeta) {
        switch event["exception"] {
        case .array(let values)?: event["exception"] = .object(["values": .array(values)])
        case .object(let members)? where members["values"] == nil && (members["type"] != nil || members["value"] != nil):
            event["exception"] = .object(["values": .array([.object(members)])])
        default: break
        }
        guard case .object(var exception)? = event["exception"], let values = exception["values"]?.array else { return }
        exception["values"] = .array(values.enumerated().map { index, value in
            guard case .object(var members) = value else { return value }
            // Sentry drops an exception with neither a type nor a value, stack trace or not.
            if (members["type"]?.string ?? "").isEmpty, (members["value"]?.string ?? "").isEmpty {
                meta.addError(EventMeta.Problem("missing_attribute", data: ["attribute": "type or value"]),
                              at: ["exception", "values", String(index)], originalValue: removedException(members))
                return .null
            }
            if case .object(var stacktrace)? = members["stacktrace"], let frames = stacktrace["frames"]?.array {
                stacktrace["frames"] = .array(frames.map(normalizedFrame))
                members["stacktrace"] = .object(stacktrace)
            }
            return .object(members)
        })
        event["exception"] = .object(exception)
    }

    /// The original Sentry keeps of a removed exception: its fields in Sentry's schema (absent ones
    /// as null, frames as normalized), when its JSON without nulls is under 500 bytes (relay's bound
    /// for original values).
    static func removedException(_ members: [String: JSON]) -> JSON? {
        var normalized = members
        if case .object(var stacktrace)? = members["stacktrace"], let frames = stacktrace["frames"]?.array {
            stacktrace["frames"] = .array(frames.map(normalizedFrame))
            normalized["stacktrace"] = .object(stacktrace)
        }
        guard withoutNulls(.object(normalized)).encodedString().utf8.count < 500 else { return nil }
        var original = inSchema(normalized, exceptionFields)
        for key in ["stacktrace", "raw_stacktrace"] {
            guard case .object(var stacktrace)? = original[key] else { continue }
            if let frames = stacktrace["frames"]?.array {
                stacktrace["frames"] = .array(frames.map { $0.object.map { JSON.object(inSchema($0, frameFields)) } ?? $0 })
            }
            original[key] = .object(inSchema(stacktrace, stacktraceFields))
        }
        if case .object(let mechanism)? = original["mechanism"] { original["mechanism"] = .object(inSchema(mechanism, mechanismFields)) }
        return .object(original)
    }

    /// The value with null members and items dropped, as relay sizes an original value.
    static func withoutNulls(_ value: JSON) -> JSON {
        switch value {
        case .object(let members): return .object(members.filter { $0.value != .null }.mapValues(withoutNulls))
        case .array(let items): return .array(items.filter { $0 != .null }.map(withoutNulls))
        default: return value
        }
    }

    static let exceptionFields = ["mechanism", "module", "raw_stacktrace", "stacktrace", "thread_id", "type", "value"]
    static let stacktraceFields = ["frames", "instruction_addr_adjustment", "lang", "registers", "snapshot"]
    static let mechanismFields = ["data", "description", "exception_id", "handled", "help_link", "is_exception_group", "meta",
                                  "parent_id", "source", "synthetic", "type"]
    static let frameFields = ["abs_path", "addr_mode", "colno", "context_line", "data", "file_revision", "filename", "function",
                              "function_id", "image_addr", "in_app", "instruction_addr", "lang", "lineno", "lock", "module",
                              "package", "parent_index", "platform", "post_context", "pre_context", "raw_function",
                              "sample_count", "stack_start", "symbol", "symbol_addr", "trust", "vars"]

    /// An object as Sentry's schema writes it: every field of `fields` (null when absent), and
    /// the object's other members as they are.
    static func inSchema(_ members: [String: JSON], _ fields: [String]) -> [String: JSON] {
        var result = members
        for field in fields where result[field] == nil { result[field] = .null }
        return result
    }

    static func normalizedFrame(_ frame: JSON) -> JSON {
        guard case .object(var members) = frame else { return frame }
        if members["abs_path"] == nil || members["abs_path"] == .null, let filename = members["filename"], filename.string != nil {
            members["abs_path"] = filename
        }
        if members["in_app"] == .null { members["in_app"] = nil }
        return .object(members)
    }

    // MARK: user, breadcrumbs, contexts

    static let userFields: Set<String> = ["id", "email", "ip_address", "username", "name", "geo", "segment", "data",
                                          "sentry_user"]

    static func normalizeUser(_ event: inout [String: JSON]) {
        guard case .object(var user)? = event["user"] else { return }
        var data = user["data"]?.object ?? [:]
        for (key, value) in user where !userFields.contains(key) {
            data[key] = value
            user[key] = nil
        }
        if !data.isEmpty { user["data"] = .object(data) }
        if user["sentry_user"] == nil {
            for (key, prefix) in [("id", "id"), ("username", "username"), ("email", "email"), ("ip_address", "ip")] {
                if let text = user[key]?.string ?? user[key]?.int.map(String.init), !text.isEmpty {
                    user["sentry_user"] = .string("\(prefix):\(text)")
                    break
                }
            }
        }
        event["user"] = .object(user)
    }

    static func normalizeBreadcrumbs(_ event: inout [String: JSON], meta: inout EventMeta) {
        if case .array(let values)? = event["breadcrumbs"] { event["breadcrumbs"] = .object(["values": .array(values)]) }
        guard case .object(var breadcrumbs)? = event["breadcrumbs"], let values = breadcrumbs["values"]?.array else { return }
        breadcrumbs["values"] = .array(values.enumerated().map { index, crumb in
            guard case .object(var members) = crumb else { return crumb }
            if members["type"]?.string == nil { members["type"] = "default" }
            if let value = members["level"], let problem = levelProblem(value) {
                meta.addError(problem, at: ["breadcrumbs", "values", String(index), "level"], originalValue: value)
            }
            let level = members["level"]?.string
            members["level"] = .string(level.flatMap { levels.contains($0) ? $0 : nil } ?? (level == "log" ? "info" : level == "critical" ? "fatal" : "info"))
            return .object(members)
        })
        event["breadcrumbs"] = .object(breadcrumbs)
    }

    static func normalizeContexts(_ event: inout [String: JSON]) {
        guard case .object(var contexts)? = event["contexts"] else { return }
        for (key, value) in contexts {
            guard case .object(var members) = value else { continue }
            if members["type"] == nil || members["type"] == .null { members["type"] = .string(key) }
            let type = members["type"]?.string ?? key
            if ["os", "browser", "runtime"].contains(type), members[type] == nil || members[type] == .null,
               let name = members["name"]?.string, let version = members["version"]?.string {
                members[type] = .string("\(name) \(version)")
            }
            contexts[key] = .object(members)
        }
        event["contexts"] = .object(contexts)
    }
}
