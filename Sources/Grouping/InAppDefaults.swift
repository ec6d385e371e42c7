import EventModel

/// Decides `in_app` for every frame before grouping, and writes the result into the event so the
/// stored event shows it (as Sentry does):
/// 1. frames the SDK left unset get `false` when they are library or runtime code for their
///    platform (`node_modules`, `site-packages`, JDK packages…);
/// 2. the built-in stack trace rules and then the project's rules run; like Sentry's, they
///    override the SDK (`path:**/node_modules/** -app` wins over `in_app: true`), and
///    `category=` is stored under the frame's `data.category`;
/// 3. native function names are trimmed the way Sentry stores them (`raw_function` keeps the
///    symbol).
/// Frames still unset count as not in-app when grouping, as in Sentry.
public enum InAppDefaults {
    public static func apply(_ json: inout [String: JSON], rules: StackTraceRules = .init()) {
        apply(&json, rules: MemoizedStackTraceRules(GroupingConfig(stackTraceRules: rules)))
    }

    /// `rules` remembers its outcomes, for the grouper to reuse on the same frames.
    public static func apply(_ json: inout [String: JSON], rules effective: MemoizedStackTraceRules) {
        let platform = json["platform"]?.string
        if case .object(var exception)? = json["exception"] {
            if case .array(var values)? = exception["values"] {
                for index in values.indices {
                    guard case .object(var value) = values[index] else { continue }
                    let info = StackTraceRules.ExceptionInfo(type: value["type"]?.string, value: value["value"]?.string,
                                                             mechanism: value["mechanism"]?["type"]?.string)
                    if case .object(var stacktrace)? = value["stacktrace"] {
                        applyToStacktrace(&stacktrace, platform: platform, rules: effective, exception: info)
                        value["stacktrace"] = .object(stacktrace)
                    }
                    values[index] = .object(value)
                }
                exception["values"] = .array(values)
            }
            json["exception"] = .object(exception)
        }
        if case .object(var stacktrace)? = json["stacktrace"] {
            applyToStacktrace(&stacktrace, platform: platform, rules: effective, exception: nil)
            json["stacktrace"] = .object(stacktrace)
        }
        if case .object(var threads)? = json["threads"], case .array(var values)? = threads["values"] {
            for index in values.indices {
                guard case .object(var thread) = values[index], case .object(var stacktrace)? = thread["stacktrace"] else { continue }
                applyToStacktrace(&stacktrace, platform: platform, rules: effective, exception: nil)
                thread["stacktrace"] = .object(stacktrace)
                values[index] = .object(thread)
            }
            threads["values"] = .array(values)
            json["threads"] = .object(threads)
        }
    }

    static func applyToStacktrace(_ stacktrace: inout [String: JSON], platform: String?, rules: MemoizedStackTraceRules,
                                  exception: StackTraceRules.ExceptionInfo?) {
        guard case .array(var frames)? = stacktrace["frames"] else { return }
        for index in frames.indices {
            guard case .object(var frame) = frames[index] else { continue }
            let framePlatform = frame["platform"]?.string ?? platform
            if frame["in_app"]?.bool == nil, isLibrary(StackFrame(.object(frame)), platform: framePlatform) {
                frame["in_app"] = false
            }
            if frame["raw_function"]?.string == nil, let function = frame["function"]?.string, framePlatform != "csharp" {
                let trimmed = FrameFunctionCleanup.trim(function, platform: framePlatform)
                if trimmed != function {
                    frame["raw_function"] = .string(function)
                    frame["function"] = .string(trimmed)
                }
            }
            frames[index] = .object(frame)
        }
        let parsed = frames.map { $0.isNull ? StackFrame() : StackFrame($0) }
        let outcome = rules.apply(to: parsed, eventPlatform: platform, exception: exception)
        for index in frames.indices {
            guard case .object(var frame) = frames[index] else { continue }
            if let inApp = outcome.inApp[index] { frame["in_app"] = .bool(inApp) }
            if let category = outcome.category[index], category != parsed[index].category {
                var data = frame["data"]?.object ?? [:]
                data["category"] = .string(category)
                frame["data"] = .object(data)
            }
            frames[index] = .object(frame)
        }
        stacktrace["frames"] = .array(frames)
    }

    static let libraryPathMarkers = ["/node_modules/", "/site-packages/", "/dist-packages/", "/vendor/", "/gems/",
                                     "/go/pkg/mod/", "/.pub-cache/", "/usr/lib/", "/usr/local/lib/", "/System/Library/"]
    static let runtimeModulePrefixes = ["java.", "javax.", "sun.", "jdk.", "com.sun.", "kotlin.", "kotlinx.", "android.",
                                        "androidx.", "dalvik.", "com.android.", "scala.", "io.sentry."]

    /// Library or runtime code by its path, module or package, per platform.
    static func isLibrary(_ frame: StackFrame, platform: String?) -> Bool {
        let path = (frame.absPath ?? frame.filename ?? "").replacingOccurrences(of: "\\", with: "/")
        if libraryPathMarkers.contains(where: { path.contains($0) }) || path.hasPrefix("node_modules/") { return true }
        switch platform {
        case "java", "kotlin", "android", "scala", "groovy", "clojure":
            if let module = frame.module, runtimeModulePrefixes.contains(where: { module.hasPrefix($0) }) { return true }
        case "python":
            if path.contains("/lib/python") && !path.contains("/site-packages/") { return true }
        case "go":
            if let module = frame.module, !module.contains("."), !module.contains("/"), module != "main" { return true }   // standard library
        case "csharp":
            if let module = frame.module, module.hasPrefix("System.") || module.hasPrefix("Microsoft.") { return true }
        default:
            break
        }
        if PlatformFamily.of(platform) == "native", let package = frame.package,
           package.hasPrefix("/usr/lib/") || package.hasPrefix("/lib/") || package.hasPrefix("/System/Library/") {
            return true
        }
        return false
    }
}
