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
    /// counted or limited (client reports). Attachments count bytes, as in Sentry.
    public static func of(itemType: String, payloadSize: Int) -> (DataCategory, Int)? {
        switch itemType {
        case "event", "unreal_report": return (.error, 1)
        case "security", "raw_security": return (.security, 1)
        case "transaction": return (.transaction, 1)
        case "attachment": return (.attachment, payloadSize)
        case "session", "sessions": return (.session, 1)
        case "profile", "profile_chunk": return (.profile, 1)
        case "replay_event", "replay_recording", "replay_video": return (.replay, 1)
        case "check_in": return (.monitor, 1)
        case "span", "otel_span": return (.span, 1)
        case "user_report", "feedback": return (.feedback, 1)
        case "log": return (.log, 1)
        case "client_report": return nil
        default: return (.default, 1)
        }
    }
}
