import EventModel
import Foundation

/// Reads the message into an event and settles the fields the pipeline needs (id, time,
/// platform, level, the user's `{{auto}}` address); trims the event to Sentry's size limits
/// and drops values no reader can use (`EventTrimming`, `EventValueSanity`, `EventCleanup`), so
/// every later stage reads bounded, sane values. What it changes or finds invalid it records in
/// `WorkingEvent.meta` (Sentry's `_meta`), after what the SDK's own `_meta` says.
public struct NormalizeStage: EventStage {
    /// How far a timestamp may be in the future or the past before the received time replaces it
    /// (Sentry's relay: 60 seconds ahead, 30 days back).
    static let maxSecondsInFuture: TimeInterval = 60
    static let maxSecondsInPast: TimeInterval = 30 * 24 * 3600

    public init() {}

    public func run(_ working: inout WorkingEvent, _ context: EventBatchContext) throws(EventFailure) {
        let event: SentryEvent
        do {
            event = try SentryEvent.parse(working.payload)
        } catch {
            throw .undecodable(error.description)
        }
        let metadata = working.metadata
        // The relay writes `received`; a message with a time no date can hold is not one of its.
        guard metadata.received.isFinite, metadata.received >= EventValueSanity.earliestSeconds,
              metadata.received <= EventValueSanity.latestSeconds else {
            throw .undecodable("received time \(metadata.received) is out of range")
        }
        let received = Date(timeIntervalSince1970: metadata.received)
        let eventID = metadata.eventID.flatMap(EventID.normalize) ?? event.eventID ?? EventID.generate()
        var timestamp = EventCleanup.correctDrift(event.timestamp ?? received, sentAt: metadata.sentAt, received: received)
        if timestamp.timeIntervalSince(received) > Self.maxSecondsInFuture
            || received.timeIntervalSince(timestamp) > Self.maxSecondsInPast {
            timestamp = received
        }
        let platform = event.platform.flatMap { $0.isEmpty ? nil : $0 } ?? "other"
        var json = event.json
        // Sentry keeps the `_meta` an SDK sends (remarks of its own trimming); it is not ours to
        // trust, so its original values (`val`, which no scrubbing would reach) are dropped.
        var meta = json.removeValue(forKey: "_meta").map(EventMeta.init(json:))?.withoutOriginalValues() ?? EventMeta()
        let level = EventAttributes.level(json["level"], meta: &meta, at: ["level"])

        json["event_id"] = .string(eventID)
        json["project"] = .int(metadata.projectID)
        json["timestamp"] = .double(timestamp.timeIntervalSince1970)
        json["received"] = .double(received.timeIntervalSince1970)
        json["platform"] = .string(platform)
        json["level"] = .string(level)
        if case .object(var user)? = json["user"], user["ip_address"]?.string == "{{auto}}" {
            user["ip_address"] = metadata.clientIP.map(JSON.string) ?? .null
            json["user"] = .object(user)
        }
        // Sentry's shapes first (request pairs, message in logentry, exception values, versions),
        // then sizes and numbers: everything after reads bounded, sane values.
        RequestNormalization.apply(&json, meta: &meta)
        EventAttributes.apply(&json, meta: &meta)
        EventTrimming.apply(&json, meta: &meta)
        EventValueSanity.apply(&json)
        EventCleanup.apply(&json, level: level)

        working.json = json
        working.meta = meta
        working.eventID = eventID
        working.received = received
        working.timestamp = timestamp
        working.platform = platform
        working.level = level
    }
}
