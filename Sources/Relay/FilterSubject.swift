import EventModel
import Quotas

/// Pulls out of an event the facts inbound filters look at.
enum FilterSubject {
    /// Every top-level member `of` reads; the rest of the event is never parsed.
    static let members: Set<String> = [
        "exception", "stacktrace", "threads", "logentry", "sentry.interfaces.Message", "message", "release", "user", "request",
    ]

    static func of(_ index: JSONObjectIndex) -> InboundFilters.Subject {
        let event = index.object(keeping: members)
        let view = SentryEvent(json: event)
        var messages: [String] = []
        for exception in view.exceptions {
            let type = exception.type ?? ""
            let value = exception.value ?? ""
            messages.append(type.isEmpty ? value : value.isEmpty ? type : "\(type): \(value)")
        }
        if let message = view.message { messages.append(message) }
        let frames = view.exceptions.flatMap(\.frames) + view.threadFrames
        return InboundFilters.Subject(
            messages: messages, release: view.release, userIP: view.user?["ip_address"]?.string,
            requestURL: event["request"]?["url"]?.string,
            frameURLs: frames.compactMap { $0.absPath ?? $0.filename })
    }
}
