import Foundation
import EventModel

/// Issue title and culprit as Sentry derives them.
enum TitleAndCulprit {
    /// Python-style `truncatechars`: at most `limit` characters, ending in `...` when cut.
    static func truncate(_ text: String, _ limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.prefix(limit - 3))
        return String(view) + "..."
    }

    static func firstLine(_ text: String) -> String { MessageParameterizer.splitLines(text).first ?? "" }

    struct Metadata {
        var title: String
        var type: String?
        var value: String?
        var eventType: String
    }

    /// Errors: `Type: first line of value` (value cut at 100); synthetic exceptions (made up by
    /// an SDK to carry a stack trace) are named by their crash function. Messages: their first line.
    static func metadata(_ event: SentryEvent) -> Metadata {
        if let exception = event.exceptions.last {
            let value = truncate(exception.value ?? "", 1024)
            if exception.isSynthetic {
                let function = CrashFrame.find(event)?.function
                return Metadata(title: function ?? "<unknown>", type: nil, value: value, eventType: "error")
            }
            let type = truncate(exception.type ?? "Error", 128)
            let title = value.isEmpty ? type : "\(type): \(truncate(firstLine(value), 100))"
            return Metadata(title: title, type: type, value: value, eventType: "error")
        }
        let entry = event.json["logentry"] ?? event.json["sentry.interfaces.Message"]
        let raw = entry?["formatted"]?.string ?? entry?["message"]?.string ?? event.message ?? ""
        let message = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if message.isEmpty { return Metadata(title: "<unlabeled event>", type: nil, value: nil, eventType: "default") }
        return Metadata(title: truncate(firstLine(message), 100), type: nil, value: message, eventType: "default")
    }

    /// The SDK's `culprit`, else the transaction, else the last in-app frame of the main stack
    /// trace (else its last frame) as `module in function` (`function(file)` for JavaScript, the
    /// bare function for native), else the request URL; at most 200 characters.
    static func culprit(_ event: SentryEvent) -> String {
        if let culprit = event.json["culprit"]?.string, !culprit.isEmpty { return truncate(culprit, 200) }
        if let transaction = event.transaction, !transaction.isEmpty { return truncate(transaction, 200) }
        var frames: [JSON] = []
        if let exceptions = event.json["exception"]?["values"]?.array?.filter({ !$0.isNull }), !exceptions.isEmpty {
            if exceptions.last?["mechanism"]?["synthetic"]?.bool == true { return "" }
            frames = exceptions.compactMap { $0["stacktrace"]?["frames"]?.array }.last(where: { !$0.isEmpty }) ?? []
        } else {
            frames = event.json["stacktrace"]?["frames"]?.array ?? []
        }
        var culprit: String?
        var fallback: String?
        for frame in frames.reversed() where !frame.isNull {
            if frame["in_app"]?.bool == true {
                let text = frameCulprit(frame, platform: event.platform)
                if !text.isEmpty { culprit = text; break }
            } else if fallback == nil {
                fallback = frameCulprit(frame, platform: event.platform)
            }
        }
        let chosen = culprit ?? fallback
        if (chosen ?? "").isEmpty, let url = event.json["request"]?["url"]?.string { return truncate(url, 200) }
        return truncate(chosen ?? "", 200)
    }

    static func frameCulprit(_ frame: JSON, platform: String?) -> String {
        let platform = frame["platform"]?.string ?? platform
        let function = frame["function"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        if platform == "objc" || platform == "cocoa" || platform == "native" { return function ?? "?" }
        guard let location = (frame["module"]?.string).flatMap({ $0.isEmpty ? nil : $0 })
                ?? (frame["filename"]?.string).flatMap({ $0.isEmpty ? nil : $0 }) else { return "" }
        if platform == "javascript" || platform == "node" { return "\(function ?? "?")(\(location))" }
        return "\(location) in \(function ?? "?")"
    }
}
