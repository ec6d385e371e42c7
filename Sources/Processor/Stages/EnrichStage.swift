import EventModel
import Store

/// Derives what is indexed beside the payload (release, environment, trace, user, tags) and
/// settles the JSON to store, with what normalization and scrubbing recorded as its top-level
/// `_meta` (where Sentry keeps it). Alert matching and other per-event additions go here or after.
public struct EnrichStage: EventStage {
    public init() {}

    public func run(_ event: inout WorkingEvent, _ context: EventBatchContext) throws(EventFailure) {
        let normalized = event.grouped ?? SentryEvent(json: event.json)
        event.release = normalized.release
        event.environment = normalized.environment
        event.traceID = normalized.traceID
        event.userKey = normalized.userKey
        // From the event as stored (after scrubbing), as erasure's scan of stored events sees it.
        event.identities = UserIdentities(event: event.json)
        event.tags = (event.json["tags"]?.object ?? [:]).compactMapValues(\.string)
        var stored = event.json
        stored["_meta"] = event.meta.json()
        event.stored = JSON.object(stored).withoutNulCharacters().encodedString()
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
