import Foundation
import Crypto
import EventModel

/// First grouping: the exception types of the chain plus each exception's in-app frames
/// (module or file basename, and function); all frames when none is in-app; the message
/// otherwise. A custom `fingerprint` replaces it (`{{ default }}` keeps it).
/// Sentry-compatible grouping (variants, per-platform cleanups) replaces this in a later issue.
public enum Grouper {
    public static func group(_ event: SentryEvent) -> GroupingResult {
        let (title, type, metadataType, metadataValue) = Self.title(event)
        let defaultComponents = components(event)
        var values = defaultComponents
        if let fingerprint = event.fingerprint, !fingerprint.isEmpty {
            values = fingerprint.flatMap { entry -> [String] in
                let trimmed = entry.replacingOccurrences(of: " ", with: "")
                return trimmed == "{{default}}" ? defaultComponents : [entry]
            }
        }
        return GroupingResult(hashes: [hash(values)], title: title, culprit: culprit(event), type: type,
                              metadataType: metadataType, metadataValue: metadataValue)
    }

    static func components(_ event: SentryEvent) -> [String] {
        let exceptions = event.exceptions
        if !exceptions.isEmpty {
            return exceptions.flatMap { exception -> [String] in
                [exception.type ?? exception.value ?? "Error"] + frameComponents(exception.frames)
            }
        }
        let frames = event.threadFrames
        if !frames.isEmpty { return frameComponents(frames) }
        return [event.message ?? ""]
    }

    static func frameComponents(_ frames: [StackFrame]) -> [String] {
        let inApp = frames.filter { $0.inApp == true }
        return (inApp.isEmpty ? frames : inApp).flatMap { frame -> [String] in
            [frame.module ?? basename(frame.filename ?? frame.absPath ?? ""), frame.function ?? ""]
        }
    }

    static func hash(_ values: [String]) -> String {
        var md5 = Insecure.MD5()
        for value in values { md5.update(data: Array(value.utf8)) }
        return md5.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    static func basename(_ path: String) -> String {
        let last = path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? path
        return last.lowercased()
    }

    static func title(_ event: SentryEvent) -> (String, String, String?, String?) {
        if let exception = event.exceptions.last {
            let type = exception.type ?? "Error"
            let firstLine = exception.value?.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let title = firstLine.isEmpty ? type : "\(type): \(firstLine)"
            return (truncate(title), "error", type, exception.value)
        }
        if let message = event.message, !message.isEmpty {
            let firstLine = message.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? message
            return (truncate(firstLine), "default", nil, message)
        }
        return ("<unlabeled event>", "default", nil, nil)
    }

    static func culprit(_ event: SentryEvent) -> String {
        if let transaction = event.transaction, !transaction.isEmpty { return truncate(transaction) }
        let frames = event.exceptions.last?.frames ?? event.threadFrames
        let chosen = frames.last(where: { $0.inApp == true }) ?? frames.last
        guard let frame = chosen else { return "" }
        let location = frame.module ?? frame.filename ?? frame.absPath ?? "?"
        guard let function = frame.function, !function.isEmpty else { return truncate(location) }
        return truncate("\(location) in \(function)")
    }

    static func truncate(_ text: String, limit: Int = 200) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
