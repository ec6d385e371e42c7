import EventModel

/// Every stack trace of an event that symbolication rewrites: each exception's, each thread's,
/// and the event's own. `body` gets the stack trace and returns whether it changed anything;
/// a changed one keeps its original beside it as `raw_stacktrace`, as Sentry's event JSON does.
enum StackTraces {
    static func rewrite(_ event: inout [String: JSON], _ body: (inout [String: JSON]) -> Bool) {
        for key in ["exception", "threads"] {
            guard case .object(var container)? = event[key], case .array(var values)? = container["values"] else { continue }
            var changed = false
            for index in values.indices {
                guard case .object(var value) = values[index], case .object(var stacktrace)? = value["stacktrace"] else { continue }
                let original = stacktrace
                if body(&stacktrace) {
                    if value["raw_stacktrace"] == nil { value["raw_stacktrace"] = .object(original) }
                    value["stacktrace"] = .object(stacktrace)
                    values[index] = .object(value)
                    changed = true
                }
            }
            if changed {
                container["values"] = .array(values)
                event[key] = .object(container)
            }
        }
        if case .object(var stacktrace)? = event["stacktrace"] {
            // A top-level stack trace has no place for a raw copy in Sentry's schema.
            if body(&stacktrace) { event["stacktrace"] = .object(stacktrace) }
        }
    }

    /// The frames of a stack trace as objects (anything else is left out of symbolication).
    static func frames(_ stacktrace: [String: JSON]) -> [JSON] { stacktrace["frames"]?.array ?? [] }

    /// The `debug_meta.images` of an event.
    static func images(_ event: [String: JSON]) -> [[String: JSON]] {
        (event["debug_meta"]?["images"]?.array ?? []).compactMap(\.object)
    }
}
