import Kafka
import Postgres

/// What the processor does with one topic: decode a poll's messages of that topic and say what
/// to write. The worker knows nothing of events or outcomes; it hands each topic's messages to
/// its handler and commits every handler's write with the offsets in one fenced transaction.
///
/// A handler belongs to one worker (one thread): it may keep state (caches) without locks.
public protocol TopicHandler: AnyObject {
    /// The topic whose messages this handler takes.
    var topic: String { get }

    /// One poll's messages of `topic`, in offset order per partition. Messages that cannot be
    /// used go into the write's dead letters; nothing here may throw a message away silently.
    /// `database` is for reads that prepare the batch (settings, rules); writes belong in the
    /// returned `TopicWrite`.
    func handle(_ messages: [KafkaMessage], database: DatabaseSession) -> TopicWrite

    /// The project of a message that may not decode, for its dead letter.
    func projectID(of message: KafkaMessage) -> Int64?
}

/// A handler's share of a batch.
public struct TopicWrite {
    public var deadLetters: [DeadLetter]
    /// Work outside the transaction that the write needs first (DDL such as partitions, which
    /// would hold table locks until commit inside it). Retried with the write.
    public var prepare: (PGConnection) throws -> Void
    /// Writes inside the batch's transaction (which also advances the offsets) and returns what
    /// to report once that transaction committed (metrics).
    public var write: (PGConnection) throws -> Committed

    public typealias Committed = () -> Void

    public init(deadLetters: [DeadLetter] = [], prepare: @escaping (PGConnection) throws -> Void = { _ in },
                write: @escaping (PGConnection) throws -> Committed) {
        self.deadLetters = deadLetters
        self.prepare = prepare
        self.write = write
    }
}

/// Handlers by topic, checked against what the worker subscribes to: a consumed topic without a
/// handler is a startup error (its messages would otherwise all become dead letters).
public struct TopicHandlers {
    public let byTopic: [String: any TopicHandler]

    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    public init(consumed topics: [String], handlers: [any TopicHandler]) throws(Mismatch) {
        var byTopic: [String: any TopicHandler] = [:]
        for handler in handlers {
            guard byTopic[handler.topic] == nil else {
                throw Mismatch(description: "two processor handlers for topic \(handler.topic)")
            }
            byTopic[handler.topic] = handler
        }
        let unhandled = topics.filter { byTopic[$0] == nil }
        guard unhandled.isEmpty else {
            throw Mismatch(description: "the processor is told to consume \(unhandled.joined(separator: ", ")) but has no handler for it; handled topics: \(byTopic.keys.sorted().joined(separator: ", "))")
        }
        self.byTopic = byTopic.filter { topics.contains($0.key) }
    }

    public subscript(topic: String) -> (any TopicHandler)? { byTopic[topic] }
}
