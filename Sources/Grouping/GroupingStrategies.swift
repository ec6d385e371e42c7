import EventModel

/// The component trees of Sentry's `newstyle:2023-01-11` strategies, by variant. Each returns an
/// ordered list of (variant name, component); an empty list means the event lacks that interface.
enum GroupingStrategies {
    typealias Variants = [(name: String, component: GroupingComponent)]

    /// Fields that must all be equal for a frame to be a recursive repeat of the one before.
    static func isRecursion(_ frame: StackFrame, _ previous: StackFrame?) -> Bool {
        guard let previous else { return false }
        return frame.absPath == previous.absPath && frame.package == previous.package && frame.module == previous.module
            && frame.filename == previous.filename && frame.function == previous.function
            && frame.lineno == previous.lineno && frame.colno == previous.colno
    }

    static func stacktrace(_ frames: [StackFrame], event: SentryEvent, rules: MemoizedStackTraceRules,
                           exception: StackTraceRules.ExceptionInfo?) -> Variants {
        let platform = event.platform
        let outcome = rules.apply(to: frames, eventPlatform: platform, exception: exception)
        // Both variants start from the same frame components; only in-app marking differs.
        var frameComponents: [GroupingComponent] = []
        frameComponents.reserveCapacity(frames.count)
        var previous: StackFrame?
        for (index, frame) in frames.enumerated() {
            var component = FrameComponent.build(frame, eventPlatform: platform)
            if isRecursion(frame, previous) { component.ignore("ignored due to recursion") }
            previous = frame
            if let group = outcome.group[index] {
                if group { component.contributes = true } else { component.ignore("ignored by stack trace rule") }
            }
            frameComponents.append(component)
        }
        var result: Variants = []
        for variant in ["app", "system"] {
            var components: [GroupingComponent] = []
            for (frame, frameComponent) in zip(frames, frameComponents) {
                var component = frameComponent
                if variant == "app" && frame.inApp != true { component.ignore("non app frame") }
                components.append(component)
            }
            // A lone JavaScript frame without a function, from a URL, is too weak to group by.
            if frames.count == 1, components[0].contributes, PlatformFamily.of(frames[0].platform ?? platform) == "javascript",
               (frames[0].function ?? "").isEmpty, FrameComponent.hasURLOrigin(frames[0].absPath, filesCountAsURLs: true) {
                components[0].ignore("ignored single non-URL JavaScript frame")
            }
            var stacktrace = GroupingComponent.node("stacktrace", components)
            if components.isEmpty {
                stacktrace.ignore("ignored because it contains no frames")
            } else if variant == "app" && !frames.contains(where: { $0.inApp == true }) {
                stacktrace.ignore("ignored because it contains no in-app frames")
            } else if !stacktrace.contributes {
                stacktrace.ignore("ignored because it contains no contributing frames")
            }
            result.append((variant, stacktrace))
        }
        return result
    }

    static func singleException(_ exception: ExceptionValue, event: SentryEvent, rules: MemoizedStackTraceRules) -> Variants {
        var type = GroupingComponent.leaf("type", (exception.type ?? "").isEmpty ? [] : [exception.type!])
        if exception.isSynthetic { type.ignore("ignored because exception is synthetic") }
        var nsError: GroupingComponent?
        if let error = exception.mechanism?["meta"]?["ns_error"], error.object != nil {
            let code = error["code"].map { $0.int.map(String.init) ?? $0.string ?? "" }
            nsError = .node("ns-error", [.leaf("domain", error["domain"]?.string.map { [$0] } ?? []),
                                         .leaf("code", code.map { [$0] } ?? [])])
        }
        let info = StackTraceRules.ExceptionInfo(type: exception.type, value: exception.value,
                                                 mechanism: exception.mechanism?["type"]?.string)
        let stacktraces: Variants = exception.hasStacktrace
            ? stacktrace(exception.frames, event: event, rules: rules, exception: info)
            : [("app", GroupingComponent.node("stacktrace", []))]
        // Parameterized once for both variants; it is kept (for `--variants`) even where it is ignored.
        var parameterizedValue = GroupingComponent.leaf("value", [])
        if let raw = exception.value {
            let normalized = MessageParameterizer.normalize(raw)
            if !normalized.isEmpty {
                parameterizedValue = .leaf("value", [normalized], hint: normalized != raw ? "stripped event-specific values" : nil)
            }
        }
        return stacktraces.map { variant, stacktrace in
            var value = parameterizedValue
            if stacktrace.contributes && value.contributes { value.ignore("ignored because stacktrace takes precedence") }
            if let nsError, nsError.contributes, value.contributes { value.ignore("ignored because ns-error info takes precedence") }
            // newstyle:2023-01-11 hashes the stack trace before the type (Sentry keeps this order for old hashes).
            let children = [stacktrace, type] + (nsError.map { [$0] } ?? []) + [value]
            return (variant, GroupingComponent.node("exception", children))
        }
    }

    static func chainedException(_ event: SentryEvent, rules: MemoizedStackTraceRules) -> Variants {
        let exceptions = event.exceptions
        guard !exceptions.isEmpty else { return [] }
        let perException = exceptions.map { singleException($0, event: event, rules: rules) }
        if perException.count == 1 { return keepingStacktraceVariants(perException[0]) }
        var order: [String] = []
        var byVariant: [String: [GroupingComponent]] = [:]
        for variants in perException {
            for (name, component) in variants {
                if byVariant[name] == nil { order.append(name) }
                byVariant[name, default: []].append(component)
            }
        }
        return keepingStacktraceVariants(order.map { ($0, GroupingComponent.node("chained-exception", byVariant[$0]!)) })
    }

    static func threads(_ event: SentryEvent, rules: MemoizedStackTraceRules) -> Variants {
        guard let threads = (event.json["threads"]?["values"]?.array ?? event.json["threads"]?.array)?.filter({ !$0.isNull }),
              !threads.isEmpty else { return [] }
        let crashed = threads.filter { $0["crashed"]?.bool == true }
        let current = threads.filter { $0["current"]?.bool == true }
        guard let thread = [crashed, current, threads].first(where: { $0.count == 1 })?.first else {
            var component = GroupingComponent.node("threads", [])
            component.ignore("ignored because it contains neither a single thread nor multiple threads with exactly one crashing or current thread")
            return [("app", component)]
        }
        guard let stacktrace = thread["stacktrace"], !stacktrace.isNull else {
            var component = GroupingComponent.node("threads", [])
            component.ignore("ignored because thread has no stacktrace")
            return [("app", component)]
        }
        let frames = stacktrace["frames"]?.array?.filter { !$0.isNull }.map(StackFrame.init) ?? []
        let variants = self.stacktrace(frames, event: event, rules: rules, exception: nil)
        return keepingStacktraceVariants(variants.map { ($0.name, GroupingComponent.node("threads", [$0.component])) })
    }

    static func topLevelStacktrace(_ event: SentryEvent, rules: MemoizedStackTraceRules) -> Variants {
        guard let stacktrace = event.json["stacktrace"], stacktrace.object != nil else { return [] }
        let frames = stacktrace["frames"]?.array?.filter { !$0.isNull }.map(StackFrame.init) ?? []
        return keepingStacktraceVariants(self.stacktrace(frames, event: event, rules: rules, exception: nil))
    }

    /// The text Sentry groups a message event by: the template when it differs from the
    /// formatted text (params vary), else the formatted text.
    static func messageText(_ event: SentryEvent) -> String? {
        let json = event.json
        if let entry = json["logentry"] ?? json["sentry.interfaces.Message"], entry.object != nil {
            let message = entry["message"]?.string, formatted = entry["formatted"]?.string
            if let message, let formatted, message != formatted, !message.isEmpty { return message }
            return formatted ?? message
        }
        if let text = json["message"]?.string { return text }
        if let entry = json["message"], entry.object != nil { return entry["formatted"]?.string ?? entry["message"]?.string }
        return nil
    }

    static func message(_ event: SentryEvent) -> Variants {
        guard let raw = messageText(event) else { return [] }
        let normalized = MessageParameterizer.normalize(raw)
        return [("default", .leaf("message", [normalized], hint: normalized != raw ? "stripped event-specific values" : nil))]
    }

    /// When one variant has a contributing stack trace, variants without one stop contributing
    /// (an exception type alone is a weaker signal than frames).
    static func keepingStacktraceVariants(_ variants: Variants) -> Variants {
        guard variants.count > 1 else { return variants }
        let withStacktrace = variants.map { $0.component.contains("stacktrace", where: \.contributes) || ($0.component.id == "stacktrace" && $0.component.contributes) }
        guard withStacktrace.contains(true) else { return variants }
        let holders = zip(variants, withStacktrace).filter(\.1).map(\.0.name)
        let suffix = holders.count == 1 ? "but the \(holders[0]) variant does" : "others do"
        return zip(variants, withStacktrace).map { variant, has in
            var component = variant.component
            if !has { component.ignore("ignored because this variant does not have a contributing stacktrace, " + suffix) }
            return (variant.name, component)
        }
    }
}
