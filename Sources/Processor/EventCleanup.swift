import EventModel
import Foundation

/// The parts of Sentry relay's normalizer this version applies, each a pure JSON rewrite:
/// exception values `"Type: message"` without a type are split; frames in well-known library
/// locations get `in_app: false` when the SDK left it unset; tags are normalized (object form,
/// key ≤ 32 and value ≤ 200 characters, `environment`/`release`/`dist`/`level` added); long
/// messages and exception values are cut at Sentry's 8,192 (+200) characters.
enum EventCleanup {
    static let maxTagKey = 32
    static let maxTagValue = 200

    static func apply(_ event: inout [String: JSON], level: String) {
        splitExceptionTypes(&event)
        markLibraryFrames(&event)
        normalizeTags(&event, level: level)
        trimMessages(&event)
    }

    static func splitExceptionTypes(_ event: inout [String: JSON]) {
        mapExceptions(&event) { exception in
            guard (exception["type"]?.string ?? "").isEmpty, let value = exception["value"]?.string,
                  let colon = value.range(of: ": ") else { return }
            let type = String(value[..<colon.lowerBound])
            // Only a bare type name, as Sentry splits (`ValueError`, not `Foo.Bar` nor `a b`).
            guard !type.isEmpty, type.first?.isLetter == true,
                  type.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") })
            else { return }
            exception["type"] = .string(type)
            exception["value"] = .string(String(value[colon.upperBound...]))
        }
    }

    static let libraryPathMarkers = ["/node_modules/", "/site-packages/", "/dist-packages/", "/vendor/bundle/", "/gems/",
                                     "/usr/lib/python", "<frozen "]
    static let libraryModulePrefixes = ["java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "kotlinx.", "android.",
                                        "androidx.", "dalvik.", "scala.", "System.", "Microsoft."]

    static func isLibrary(_ frame: [String: JSON]) -> Bool {
        let path = (frame["abs_path"]?.string ?? frame["filename"]?.string ?? "")
        if libraryPathMarkers.contains(where: { path.contains($0) }) || path.hasPrefix("node_modules/") { return true }
        let module = frame["module"]?.string ?? ""
        return libraryModulePrefixes.contains { module.hasPrefix($0) }
    }

    static func markLibraryFrames(_ event: inout [String: JSON]) {
        mapExceptions(&event) { exception in
            guard case .object(var stacktrace)? = exception["stacktrace"], let frames = stacktrace["frames"]?.array else { return }
            stacktrace["frames"] = .array(frames.map { frame in
                guard case .object(var members) = frame, members["in_app"] == nil || members["in_app"] == .null,
                      isLibrary(members) else { return frame }
                members["in_app"] = false
                return .object(members)
            })
            exception["stacktrace"] = .object(stacktrace)
        }
    }

    static func normalizeTags(_ event: inout [String: JSON], level: String) {
        var tags: [String: JSON] = [:]
        switch event["tags"] {
        case .object(let members)?:
            for (key, value) in members { if let text = tagValue(value) { tags[tagKey(key)] = .string(text) } }
        case .array(let pairs)?:
            for pair in pairs {
                guard let items = pair.array, items.count == 2, let key = items[0].string, let text = tagValue(items[1]),
                      tags[tagKey(key)] == nil else { continue }
                tags[tagKey(key)] = .string(text)  // the first of repeated keys, as Sentry keeps
            }
        default:
            break
        }
        tags = tags.filter { key, _ in !key.isEmpty && key.count <= maxTagKey }
            .mapValues { value in value.string.map { .string(String($0.prefix(maxTagValue))) } ?? value }
        for name in ["environment", "release", "dist", "logger"] {
            if let value = event[name]?.string, !value.isEmpty { tags[name] = .string(String(value.prefix(maxTagValue))) }
        }
        tags["level"] = .string(level)
        event["tags"] = .object(tags)
    }

    /// Sentry writes spaces in tag keys as dashes.
    static func tagKey(_ key: String) -> String {
        key.contains(" ") ? key.replacingOccurrences(of: " ", with: "-") : key
    }

    static func tagValue(_ value: JSON) -> String? {
        switch value {
        // Sentry drops empty values and values with a line break.
        case .string(let text): return text.isEmpty || text.contains(where: \.isNewline) ? nil : text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "True" : "False"
        default: return nil
        }
    }

    /// The message texts and exception values at Sentry's limit (8,192 + 200 characters, then the
    /// first 8,189 and `...`). `EventTrimming` already cut and remarked the normalized fields; this
    /// also bounds the legacy names (`sentry.interfaces.Message`, a `message` object) and any shape
    /// it did not reach.
    static func trimMessages(_ event: inout [String: JSON]) {
        let limit = EventTrimming.message
        if case .string(let text)? = event["message"] { event["message"] = .string(EventTrimming.trim(text, limit)) }
        for name in ["logentry", "sentry.interfaces.Message", "message"] {
            guard case .object(var entry)? = event[name] else { continue }
            for key in ["formatted", "message"] {
                if case .string(let text)? = entry[key] { entry[key] = .string(EventTrimming.trim(text, limit)) }
            }
            event[name] = .object(entry)
        }
        mapExceptions(&event) { exception in
            if case .string(let text)? = exception["value"] { exception["value"] = .string(EventTrimming.trim(text, limit)) }
        }
    }

    /// Rewrites each exception of `exception.values` (or a bare list, which becomes the
    /// `values` form) in place.
    static func mapExceptions(_ event: inout [String: JSON], _ body: (inout [String: JSON]) -> Void) {
        guard let exception = event["exception"] else { return }
        let mapped = mapValues(exception, body)
        event["exception"] = mapped.array.map { .object(["values": .array($0)]) } ?? mapped
    }

    /// `{"values": [...]}` or a bare list (how SDKs send exceptions, threads, breadcrumbs), each
    /// object in it rewritten in place; the same shape comes back.
    static func mapValues(_ container: JSON, _ body: (inout [String: JSON]) -> Void) -> JSON {
        func mapItems(_ items: [JSON]) -> [JSON] {
            items.map { item in
                guard case .object(var members) = item else { return item }
                body(&members)
                return .object(members)
            }
        }
        switch container {
        case .object(var members):
            guard let values = members["values"]?.array else { return container }
            members["values"] = .array(mapItems(values))
            return .object(members)
        case .array(let items):
            return .array(mapItems(items))
        default:
            return container
        }
    }

    /// Rewrites every stack trace object in place: each exception's, the event's own, and each
    /// thread's (`threads.values` or a bare list).
    static func mapStacktraces(_ event: inout [String: JSON], _ body: (inout [String: JSON]) -> Void) {
        func mapOne(_ holder: inout [String: JSON]) {
            guard case .object(var stacktrace)? = holder["stacktrace"] else { return }
            body(&stacktrace)
            holder["stacktrace"] = .object(stacktrace)
        }
        mapExceptions(&event) { mapOne(&$0) }
        mapOne(&event)
        if let threads = event["threads"] { event["threads"] = mapValues(threads) { mapOne(&$0) } }
    }

    /// Moves the timestamp by the SDK clock's drift when `sent_at` says it is off by more than a
    /// minute (Sentry relay corrects drift the same way).
    static func correctDrift(_ timestamp: Date, sentAt: String?, received: Date) -> Date {
        guard let sentAt, let sent = Timestamp.parse(sentAt) else { return timestamp }
        let drift = received.timeIntervalSince(sent)
        return abs(drift) > 60 ? timestamp.addingTimeInterval(drift) : timestamp
    }
}
