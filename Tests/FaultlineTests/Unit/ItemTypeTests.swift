import Core
import EventModel
import Quotas
import Testing
@testable import Relay

@Suite struct ItemTypeTests {
    /// What the relay answers for each item type with default topics and limits. Pinned so that a
    /// change to any answer, or a type added without a row here, fails.
    struct Row: Sendable {
        let wireName: String
        let category: DataCategory?
        let topic: String?
        let limit: Int?
        let isEvent: Bool
    }

    static let eventLimit = 1024 * 1024
    static let attachmentLimit = 200 * 1024 * 1024
    static let sessionsLimit = 10 * 1024 * 1024
    static let smallLimit = 100 * 1024

    static let table: [Row] = [
        Row(wireName: "event", category: .error, topic: "ingest-events", limit: eventLimit, isEvent: true),
        Row(wireName: "transaction", category: .transaction, topic: "ingest-transactions", limit: eventLimit, isEvent: true),
        Row(wireName: "security", category: .security, topic: "ingest-events", limit: eventLimit, isEvent: true),
        Row(wireName: "raw_security", category: .security, topic: "ingest-events", limit: eventLimit, isEvent: false),
        Row(wireName: "attachment", category: .attachment, topic: "ingest-attachments", limit: attachmentLimit, isEvent: false),
        Row(wireName: "form_data", category: .default, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "unreal_report", category: .error, topic: "ingest-events", limit: nil, isEvent: false),
        Row(wireName: "nel", category: .default, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "user_report", category: .feedback, topic: "ingest-feedback", limit: eventLimit, isEvent: false),
        Row(wireName: "feedback", category: .feedback, topic: "ingest-feedback", limit: eventLimit, isEvent: false),
        Row(wireName: "session", category: .session, topic: "ingest-sessions", limit: sessionsLimit, isEvent: false),
        Row(wireName: "sessions", category: .session, topic: "ingest-sessions", limit: sessionsLimit, isEvent: false),
        Row(wireName: "client_report", category: nil, topic: nil, limit: smallLimit, isEvent: false),
        Row(wireName: "check_in", category: .monitor, topic: "ingest-monitors", limit: smallLimit, isEvent: false),
        Row(wireName: "profile", category: .profile, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "profile_chunk", category: .profile, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "replay_event", category: .replay, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "replay_recording", category: .replay, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "replay_video", category: .replay, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "statsd", category: .default, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "metric_buckets", category: .default, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "span", category: .span, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "otel_span", category: .span, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "otel_traces_data", category: .default, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "log", category: .log, topic: nil, limit: nil, isEvent: false),
        Row(wireName: "otel_log", category: .default, topic: nil, limit: nil, isEvent: false),
    ]

    @Test func tableCoversEveryKnownTypeOnce() {
        let names = Self.table.map(\.wireName)
        #expect(Set(names).count == names.count)
        #expect(Set(names) == Set(ItemType.WireName.allCases.map(\.rawValue)))
        #expect(ItemType.allKnown.count == ItemType.WireName.allCases.count)
    }

    @Test func everyKnownTypeRoundTripsItsWireName() {
        for type in ItemType.allKnown {
            #expect(ItemType(wireName: type.wireName) == type)
            #expect(type.known?.rawValue == type.wireName)
            if case .unknown = type { Issue.record("\(type.wireName) parsed as unknown") }
        }
        #expect(ItemType(wireName: "raw_security") == .rawSecurity)
        #expect(ItemType.checkIn.wireName == "check_in")
        #expect(ItemType.feedback.wireName == "feedback")
    }

    @Test(arguments: ["", "Event", "EVENT", " event", "event ", "profile_chunk_ui", "integration", "x\u{0}y", "ünïcode",
                      String(repeating: "a", count: 10_000)])
    func unknownNamesKeepTheirText(_ name: String) {
        let type = ItemType(wireName: name)
        #expect(type == .unknown(name))
        #expect(type.wireName == name)
        #expect(type.known == nil)
        #expect(!type.isEvent)
        #expect(type.topicRole == .configured)
        #expect(type.sizeLimit == .envelope)
        #expect(DataCategory.of(type, payloadSize: 5)! == (.default, 1))
        #expect(RelayLimits().itemLimit(type) == nil)
        #expect(ItemRouting.topic(for: type, topics: Topics()) == nil)
    }

    @Test func envelopeItemReadsItsTypeHeader() {
        #expect(EnvelopeItem(headers: ["type": "check_in"], payload: []).itemType == .checkIn)
        #expect(EnvelopeItem(headers: [:], payload: []).itemType == .unknown(""))
        #expect(EnvelopeItem(headers: ["type": 3], payload: []).itemType == .unknown(""))
    }

    @Test(arguments: table)
    func categoryTopicLimitAndEventnessArePinned(_ row: Row) {
        let type = ItemType(wireName: row.wireName)
        let counted = DataCategory.of(type, payloadSize: 7)
        #expect(counted?.0 == row.category, "\(row.wireName)")
        // Attachments count bytes, everything else counts one.
        #expect(counted?.1 == row.category.map { $0 == .attachment ? 7 : 1 }, "\(row.wireName)")
        #expect(DataCategory.of(itemType: row.wireName, payloadSize: 7)?.0 == row.category, "\(row.wireName)")
        #expect(ItemRouting.topic(for: type, topics: Topics()) == row.topic, "\(row.wireName)")
        #expect(RelayLimits().itemLimit(type) == row.limit, "\(row.wireName)")
        #expect(type.isEvent == row.isEvent, "\(row.wireName)")
    }

    /// `FAULTLINE_ITEM_TOPIC_<TYPE>` routes only types without a topic of their own; client reports
    /// are never forwarded.
    @Test(arguments: table)
    func configuredTopicsRouteOnlyUnroutedTypes(_ row: Row) {
        var topics = Topics()
        for name in ItemType.WireName.allCases { topics.extraItemTopics[name.rawValue] = "custom-\(name.rawValue)" }
        let type = ItemType(wireName: row.wireName)
        let expected: String? = switch type.topicRole {
        case .configured: "custom-\(row.wireName)"
        case .consumedByRelay: nil
        case .events, .transactions, .attachments, .sessions, .feedback, .monitors: row.topic
        }
        #expect(ItemRouting.topic(for: type, topics: topics) == expected, "\(row.wireName)")
        #expect((row.topic == nil) == (type.topicRole == .configured || type.topicRole == .consumedByRelay))
    }

    @Test func configuredTopicRoutesAnUnknownType() {
        var topics = Topics()
        topics.extraItemTopics["my_type"] = "ingest-mine"
        #expect(ItemRouting.topic(for: ItemType(wireName: "my_type"), topics: topics) == "ingest-mine")
    }

    @Test func tooLargeNamesTheTypeAsSent() {
        #expect(RelayLimits.tooLarge(.checkIn).detail.contains("for type 'check_in'"))
        #expect(RelayLimits.tooLarge(.unknown("Mine")).detail.contains("for type 'Mine'"))
    }
}
