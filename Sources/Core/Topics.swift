/// Every Kafka topic Faultline reads or writes, declared once. Names can be overridden by
/// environment (`FAULTLINE_TOPIC_EVENTS`, …) for clusters shared with other systems.
public struct Topics: Sendable, Equatable {
    public var events = "ingest-events"
    public var transactions = "ingest-transactions"
    public var attachments = "ingest-attachments"
    public var sessions = "ingest-sessions"
    public var outcomes = "outcomes"
    public var feedback = "ingest-feedback"
    public var monitors = "ingest-monitors"
    /// Topics for item types Faultline does not route by itself (`log`, `span`, `profile`, …),
    /// from `FAULTLINE_ITEM_TOPIC_<TYPE>=<topic>`; items of other unrouted types are dropped.
    public var extraItemTopics: [String: String] = [:]

    public init() {}

    public var all: [String] {
        [events, transactions, attachments, sessions, outcomes, feedback, monitors] + extraItemTopics.values.sorted()
    }

    nonisolated(unsafe) static let environmentKeys: [(String, WritableKeyPath<Topics, String>)] = [
        ("FAULTLINE_TOPIC_EVENTS", \.events),
        ("FAULTLINE_TOPIC_TRANSACTIONS", \.transactions),
        ("FAULTLINE_TOPIC_ATTACHMENTS", \.attachments),
        ("FAULTLINE_TOPIC_SESSIONS", \.sessions),
        ("FAULTLINE_TOPIC_OUTCOMES", \.outcomes),
        ("FAULTLINE_TOPIC_FEEDBACK", \.feedback),
        ("FAULTLINE_TOPIC_MONITORS", \.monitors),
    ]
}
