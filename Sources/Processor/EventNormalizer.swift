import EventModel
import Foundation
import Grouping
import Scrubbing

/// Turns one ingest message into a `ProcessedEvent`. Pure. It covers the fields the pipeline
/// needs (ids, time, platform, level, user, grouping), trims the event to Sentry's size limits
/// and drops values no reader can use (`EventTrimming`, `EventValueSanity`), and scrubs
/// sensitive data before anything is grouped or stored.
public enum EventNormalizer {
    /// How far a timestamp may be in the future or the past before the received time replaces it
    /// (Sentry's relay: 60 seconds ahead, 30 days back).
    static let maxSecondsInFuture: TimeInterval = 60
    static let maxSecondsInPast: TimeInterval = 30 * 24 * 3600

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case undecodable(String)

        public var description: String {
            switch self {
            case .undecodable(let reason): return reason
            }
        }
    }

    public static func normalize(_ message: IngestMessage, scrubbing: ScrubbingSettings = .default,
                                 grouping: GroupingConfig = .default) throws(Failure) -> ProcessedEvent {
        let event: SentryEvent
        do {
            event = try SentryEvent.parse(message.payload)
        } catch {
            throw .undecodable(error.description)
        }
        // The relay writes `received`; a message with a time no date can hold is not one of its.
        guard message.metadata.received.isFinite, message.metadata.received >= EventValueSanity.earliestSeconds,
              message.metadata.received <= EventValueSanity.latestSeconds else {
            throw .undecodable("received time \(message.metadata.received) is out of range")
        }
        let received = Date(timeIntervalSince1970: message.metadata.received)
        let eventID = message.metadata.eventID.flatMap(EventID.normalize) ?? event.eventID ?? EventID.generate()
        var timestamp = EventCleanup.correctDrift(event.timestamp ?? received, sentAt: message.metadata.sentAt, received: received)
        if timestamp.timeIntervalSince(received) > maxSecondsInFuture
            || received.timeIntervalSince(timestamp) > maxSecondsInPast {
            timestamp = received
        }
        let platform = event.platform.flatMap { $0.isEmpty ? nil : $0 } ?? "other"
        let level = normalizedLevel(event.level)

        var json = event.json
        json["event_id"] = .string(eventID)
        json["project"] = .int(message.metadata.projectID)
        json["timestamp"] = .double(timestamp.timeIntervalSince1970)
        json["received"] = .double(received.timeIntervalSince1970)
        json["platform"] = .string(platform)
        json["level"] = .string(level)
        if case .object(var user)? = json["user"], user["ip_address"]?.string == "{{auto}}" {
            user["ip_address"] = message.metadata.clientIP.map(JSON.string) ?? .null
            json["user"] = .object(user)
        }
        // Sizes and numbers first: everything after reads bounded, sane values.
        EventTrimming.apply(&json)
        EventValueSanity.apply(&json)
        EventCleanup.apply(&json, level: level)
        json = Scrubber(scrubbing).scrub(json)
        // in_app as Sentry decides it (platform defaults, then built-in and project stack trace
        // rules) is stored with the event, so it shows what grouping used.
        // The grouper runs the same rules over the same frames again; it reuses these outcomes.
        let rules = MemoizedStackTraceRules(grouping)
        InAppDefaults.apply(&json, rules: rules)
        let normalized = SentryEvent(json: json)
        let result = Grouper.group(normalized, config: grouping, rules: rules)
        json["title"] = .string(result.title)
        json["culprit"] = .string(result.culprit)
        json["hashes"] = .array(result.hashes.map(JSON.string))

        let stored = JSON.object(json).withoutNulCharacters()
        return ProcessedEvent(
            projectID: message.metadata.projectID, eventID: eventID, timestamp: timestamp, received: received,
            platform: platform, level: level, release: normalized.release, environment: normalized.environment,
            traceID: normalized.traceID, userKey: normalized.userKey, grouping: result,
            tags: (json["tags"]?.object ?? [:]).compactMapValues(\.string),
            payload: stored.encodedString())
    }

    static let levels: Set<String> = ["fatal", "error", "warning", "info", "debug"]

    static func normalizedLevel(_ level: String?) -> String {
        guard let level = level?.lowercased() else { return "error" }
        if level == "warn" { return "warning" }
        if level == "critical" { return "fatal" }
        return levels.contains(level) ? level : "error"
    }
}

extension JSON {
    /// PostgreSQL's jsonb cannot hold U+0000; it becomes U+FFFD.
    func withoutNulCharacters() -> JSON {
        containsNul ? replacingNul() : self
    }

    private var containsNul: Bool {
        switch self {
        case .string(var text): return text.withUTF8 { $0.contains(0) }
        case .array(let items): return items.contains { $0.containsNul }
        case .object(let members): return members.contains { var key = $0.key; return key.withUTF8 { $0.contains(0) } || $0.value.containsNul }
        default: return false
        }
    }

    private func replacingNul() -> JSON {
        switch self {
        case .string(let text) where text.utf8.contains(0):
            return .string(text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"))
        case .array(let items):
            return .array(items.map { $0.replacingNul() })
        case .object(let members):
            var cleaned: [String: JSON] = [:]
            for (key, value) in members {
                cleaned[key.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")] = value.replacingNul()
            }
            return .object(cleaned)
        default:
            return self
        }
    }
}
