import EventModel

/// Sentry's data categories, with the numeric ids used in outcomes.
public enum DataCategory: String, Sendable, CaseIterable, Codable {
    case `default`
    case error
    case transaction
    case security
    case attachment
    case session
    case profile
    case replay
    case monitor
    case span
    case feedback
    case log = "log_item"

    public var id: Int {
        switch self {
        case .default: return 0
        case .error: return 1
        case .transaction: return 2
        case .security: return 3
        case .attachment: return 4
        case .session: return 5
        case .profile: return 6
        case .replay: return 7
        case .monitor: return 10
        case .span: return 12
        case .feedback: return 14
        case .log: return 23
        }
    }

    /// The category and quantity an envelope item counts as; nil for items that are never
    /// counted or limited (client reports). Attachments count bytes, as in Sentry. Types without
    /// a category of their own count as `default`.
    public static func of(_ type: ItemType, payloadSize: Int) -> (DataCategory, Int)? {
        switch type {
        case .event, .unrealReport: return (.error, 1)
        case .security, .rawSecurity: return (.security, 1)
        case .transaction: return (.transaction, 1)
        case .attachment: return (.attachment, payloadSize)
        case .session, .sessions: return (.session, 1)
        case .profile, .profileChunk: return (.profile, 1)
        case .replayEvent, .replayRecording, .replayVideo: return (.replay, 1)
        case .checkIn: return (.monitor, 1)
        case .span, .otelSpan: return (.span, 1)
        case .userReport, .feedback: return (.feedback, 1)
        case .log: return (.log, 1)
        case .clientReport: return nil
        case .formData, .nel, .statsd, .metricBuckets, .otelTracesData, .otelLog, .unknown: return (.default, 1)
        }
    }

    public static func of(itemType: String, payloadSize: Int) -> (DataCategory, Int)? {
        of(ItemType(wireName: itemType), payloadSize: payloadSize)
    }
}
