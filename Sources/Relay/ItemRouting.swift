import Core

/// Which topic each envelope item type goes to. Types without a topic are dropped with an
/// `invalid` outcome; client reports become outcomes themselves.
public enum ItemRouting {
    public static func topic(for itemType: String, topics: Topics) -> String? {
        switch itemType {
        case "event", "security", "raw_security", "unreal_report": return topics.events
        case "transaction": return topics.transactions
        case "attachment": return topics.attachments
        case "session", "sessions": return topics.sessions
        case "user_report", "feedback": return topics.feedback
        case "check_in": return topics.monitors
        default: return topics.extraItemTopics[itemType]
        }
    }

    /// Item types that make an envelope carry an event, whose id the response returns.
    public static func isEvent(_ itemType: String) -> Bool {
        itemType == "event" || itemType == "transaction" || itemType == "security"
    }
}
