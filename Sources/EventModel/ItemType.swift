/// The type of an envelope item (its `type` header), one case per type Sentry's envelopes carry.
/// Every question the relay asks of a type is an exhaustive `switch` here or in
/// `Quotas/DataCategory.swift`, so a new case does not compile until each one is answered.
/// Names the relay does not know stay `.unknown` with their text, as sent.
public enum ItemType: Sendable, Hashable {
    case event
    case transaction
    case security
    case rawSecurity
    case attachment
    case formData
    case unrealReport
    case nel
    case userReport
    case feedback
    case session
    case sessions
    case clientReport
    case checkIn
    case profile
    case profileChunk
    case replayEvent
    case replayRecording
    case replayVideo
    case statsd
    case metricBuckets
    case span
    case otelSpan
    case otelTracesData
    case log
    case otelLog
    /// A name the relay does not know (including the empty name of an item without `type`).
    case unknown(String)

    /// Wire names of the known types. Parsing goes through this enum's raw values, so a name is
    /// written once and the `known` switch below forces every new case to get one.
    public enum WireName: String, Sendable, CaseIterable {
        case event, transaction, security, attachment, nel, feedback, session, sessions, profile, statsd, span, log
        case rawSecurity = "raw_security"
        case formData = "form_data"
        case unrealReport = "unreal_report"
        case userReport = "user_report"
        case clientReport = "client_report"
        case checkIn = "check_in"
        case profileChunk = "profile_chunk"
        case replayEvent = "replay_event"
        case replayRecording = "replay_recording"
        case replayVideo = "replay_video"
        case metricBuckets = "metric_buckets"
        case otelSpan = "otel_span"
        case otelTracesData = "otel_traces_data"
        case otelLog = "otel_log"
    }

    /// Exact, case-sensitive match, as Sentry's relay does: `Event` is an unknown type.
    public init(wireName: String) {
        self = WireName(rawValue: wireName).map(ItemType.init) ?? .unknown(wireName)
    }

    public init(_ name: WireName) {
        switch name {
        case .event: self = .event
        case .transaction: self = .transaction
        case .security: self = .security
        case .rawSecurity: self = .rawSecurity
        case .attachment: self = .attachment
        case .formData: self = .formData
        case .unrealReport: self = .unrealReport
        case .nel: self = .nel
        case .userReport: self = .userReport
        case .feedback: self = .feedback
        case .session: self = .session
        case .sessions: self = .sessions
        case .clientReport: self = .clientReport
        case .checkIn: self = .checkIn
        case .profile: self = .profile
        case .profileChunk: self = .profileChunk
        case .replayEvent: self = .replayEvent
        case .replayRecording: self = .replayRecording
        case .replayVideo: self = .replayVideo
        case .statsd: self = .statsd
        case .metricBuckets: self = .metricBuckets
        case .span: self = .span
        case .otelSpan: self = .otelSpan
        case .otelTracesData: self = .otelTracesData
        case .log: self = .log
        case .otelLog: self = .otelLog
        }
    }

    /// The known name, nil for `.unknown`.
    public var known: WireName? {
        switch self {
        case .event: return .event
        case .transaction: return .transaction
        case .security: return .security
        case .rawSecurity: return .rawSecurity
        case .attachment: return .attachment
        case .formData: return .formData
        case .unrealReport: return .unrealReport
        case .nel: return .nel
        case .userReport: return .userReport
        case .feedback: return .feedback
        case .session: return .session
        case .sessions: return .sessions
        case .clientReport: return .clientReport
        case .checkIn: return .checkIn
        case .profile: return .profile
        case .profileChunk: return .profileChunk
        case .replayEvent: return .replayEvent
        case .replayRecording: return .replayRecording
        case .replayVideo: return .replayVideo
        case .statsd: return .statsd
        case .metricBuckets: return .metricBuckets
        case .span: return .span
        case .otelSpan: return .otelSpan
        case .otelTracesData: return .otelTracesData
        case .log: return .log
        case .otelLog: return .otelLog
        case .unknown: return nil
        }
    }

    /// The name as sent in the item header (for `.unknown`, the text it was parsed from).
    public var wireName: String {
        if case .unknown(let name) = self { return name }
        return known?.rawValue ?? ""  // never empty: `known` names every other case
    }

    /// Every known type, in declaration order of `WireName`.
    public static var allKnown: [ItemType] { WireName.allCases.map(ItemType.init) }

    /// Items that make an envelope carry an event, whose id the response returns. `raw_security`
    /// counts once the plan has turned it into `security`.
    public var isEvent: Bool {
        switch self {
        case .event, .transaction, .security: return true
        case .rawSecurity, .attachment, .formData, .unrealReport, .nel, .userReport, .feedback, .session, .sessions,
             .clientReport, .checkIn, .profile, .profileChunk, .replayEvent, .replayRecording, .replayVideo, .statsd,
             .metricBuckets, .span, .otelSpan, .otelTracesData, .log, .otelLog, .unknown:
            return false
        }
    }

    /// Which of Faultline's topics an item goes to (`Core.Topics` names them; `Relay/ItemRouting`
    /// maps a role to its name).
    public enum TopicRole: Sendable, Hashable, CaseIterable {
        case events, transactions, attachments, sessions, feedback, monitors
        /// Only the topic named by `FAULTLINE_ITEM_TOPIC_<TYPE>`; without one the item is dropped
        /// with an `invalid` outcome.
        case configured
        /// Never forwarded: the relay reads it itself (client reports become outcomes).
        case consumedByRelay
    }

    public var topicRole: TopicRole {
        switch self {
        case .event, .security, .rawSecurity, .unrealReport: return .events
        case .transaction: return .transactions
        case .attachment: return .attachments
        case .session, .sessions: return .sessions
        case .userReport, .feedback: return .feedback
        case .checkIn: return .monitors
        case .clientReport: return .consumedByRelay
        case .formData, .nel, .profile, .profileChunk, .replayEvent, .replayRecording, .replayVideo, .statsd,
             .metricBuckets, .span, .otelSpan, .otelTracesData, .log, .otelLog, .unknown:
            return .configured
        }
    }

    /// Which of the relay's item size limits (`Relay/RelayLimits`) applies to one item.
    public enum SizeLimit: Sendable, Hashable, CaseIterable {
        case event, attachment, sessions, clientReport, checkIn
        /// No limit of its own: only the envelope's.
        case envelope
    }

    public var sizeLimit: SizeLimit {
        switch self {
        case .event, .transaction, .security, .rawSecurity, .userReport, .feedback: return .event
        case .attachment: return .attachment
        case .session, .sessions: return .sessions
        case .clientReport: return .clientReport
        case .checkIn: return .checkIn
        case .formData, .unrealReport, .nel, .profile, .profileChunk, .replayEvent, .replayRecording, .replayVideo,
             .statsd, .metricBuckets, .span, .otelSpan, .otelTracesData, .log, .otelLog, .unknown:
            return .envelope
        }
    }
}

extension EnvelopeItem {
    /// The item's `type` header as an `ItemType` (a missing header is `.unknown("")`).
    public var itemType: ItemType { ItemType(wireName: type) }
}
