import Core
import EventModel

/// Which topic each envelope item type goes to. Types without a topic are dropped with an
/// `invalid` outcome; client reports become outcomes themselves.
public enum ItemRouting {
    public static func topic(for itemType: ItemType, topics: Topics) -> String? {
        switch itemType.topicRole {
        case .events: return topics.events
        case .transactions: return topics.transactions
        case .attachments: return topics.attachments
        case .sessions: return topics.sessions
        case .feedback: return topics.feedback
        case .monitors: return topics.monitors
        case .configured: return topics.extraItemTopics[itemType.wireName]
        case .consumedByRelay: return nil
        }
    }
}
