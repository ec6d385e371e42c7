import EventModel

/// Sentry's normalizer for the event's attributes and shapes, as `sentry-relay` 0.10.1 does it
/// (checked by bench/parity): the level (names, Python's numeric levels), `environment`,
/// `release` and `dist` trimmed and dropped when Sentry finds them invalid, the message in
/// `logentry` (formatted with its params), an exception object or list put under `values` (its
/// `type` and `module` are cut by `EventTrimming`), unknown user fields
/// moved into `user.data`, breadcrumbs under `values` with their default type and level, each
/// context given its `type` (and `os`/`browser`/`runtime` their `name version` description),
/// frames given `abs_path` from `filename`. Pure.
enum EventAttributes {
    static func apply(_ event: inout [String: JSON]) {
        normalizeVersions(&event)
        normalizeJavaLogger(&event)
        normalizeMessage(&event)
        normalizeExceptions(&event)
        normalizeUser(&event)
        normalizeBreadcrumbs(&event)
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
        case .double(let number)?:
            return level(Int64(exactly: number).map(JSON.int))
        default:
            return "error"
        }
    }

    // MARK: environment, release, dist

    static func normalizeVersions(_ event: inout [String: JSON]) {
        event["environment"] = event["environment"].flatMap { validated($0, maxLength: 64, rejects: isInvalidEnvironment) }
        event["release"] = event["release"].flatMap { validated($0, maxLength: 200, rejects: isInvalidRelease) }
        event["dist"] = event["dist"].flatMap { validated($0, maxLength: 64, rejects: { $0.contains(where: \.isWhitespace) }) }
    }

    /// The trimmed text, or nil (the field removed) when it is not a string, empty, too long or rejected.
    static func validated(_ value: JSON, maxLength: Int, rejects: (String) -> Bool) -> JSON? {
        guard case .string(let text) = value else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maxLength, !rejects(trimmed) else { return nil }
        return .string(trimmed)
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
    static func normalizeJavaLogger(_ event: inout [String: JSON]) {
        guard event["platform"]?.string == "java", case .string(let logger)? = event["logger"] else { return }
        let trimmed = logger.trimmingCharacters(in: .whitespacesAndNewlines)
        event["logger"] = .string(trimmed.count > 64 ? "*" + trimmed.suffix(63) : trimmed)
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

    static func normalizeExceptions(_ event: inout [String: JSON]) {
        switch event["exception"] {
        case .array(let values)?: event["exception"] = .object(["values": .array(values)])
        case .object(let members)? where members["values"] == nil && (members["type"] != nil || members["value"] != nil):
            event["exception"] = .object(["values": .array([.object(members)])])
        default: break
        }
        guard case .object(var exception)? = event["exception"], let values = exception["values"]?.array else { return }
        exception["values"] = .array(values.map { value in
            guard case .object(var members) = value else { return value }
            // Sentry drops an exception with neither a type nor a value, stack trace or not.
            if (members["type"]?.string ?? "").isEmpty, (members["value"]?.string ?? "").isEmpty { return .null }
            if case .object(var stacktrace)? = members["stacktrace"], let frames = stacktrace["frames"]?.array {
                stacktrace["frames"] = .array(frames.map(normalizedFrame))
                members["stacktrace"] = .object(stacktrace)
            }
            return .object(members)
        })
        event["exception"] = .object(exception)
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

    static func normalizeBreadcrumbs(_ event: inout [String: JSON]) {
        if case .array(let values)? = event["breadcrumbs"] { event["breadcrumbs"] = .object(["values": .array(values)]) }
        guard case .object(var breadcrumbs)? = event["breadcrumbs"], let values = breadcrumbs["values"]?.array else { return }
        breadcrumbs["values"] = .array(values.map { crumb in
            guard case .object(var members) = crumb else { return crumb }
            if members["type"]?.string == nil { members["type"] = "default" }
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
