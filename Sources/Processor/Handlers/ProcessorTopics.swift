import Core
import Logging

/// The one declaration of what the processor consumes: each topic with the handler that takes
/// it. Every command (processor, dev, relay's backlog monitor, benchmarks) reads this list; a
/// topic added here without a handler cannot exist, and a handler is added here or not at all.
public enum ProcessorTopics {
    /// Each topic (by its key in `Topics`) and how one worker builds its handler.
    static var entries: [(topic: KeyPath<Topics, String>, handler: @Sendable (String, DatabaseSession, Logger) -> any TopicHandler)] {
        [
            (\.events, { topic, database, logger in
                // Each worker reads artifacts through its own connection, so each keeps its own cache.
                let artifacts = ArtifactCache(source: StoredArtifactSource(database: database, logger: logger),
                                              capacityBytes: ArtifactCache.workerCapacityBytes)
                return EventsHandler(topic: topic, pipeline: .standard(settings: ProjectSettingsCache(database: database, logger: logger),
                                                                       artifacts: artifacts))
            }),
            (\.outcomes, { topic, _, logger in OutcomesHandler(topic: topic, logger: logger) }),
        ]
    }

    /// The topics the processor subscribes to, by this installation's names.
    public static func consumed(_ topics: Topics) -> [String] {
        entries.map { topics[keyPath: $0.topic] }
    }

    /// One worker's handlers (each worker builds its own: handlers keep per-thread caches).
    public static func handlers(_ topics: Topics, database: DatabaseSession, logger: Logger) -> [any TopicHandler] {
        entries.map { $0.handler(topics[keyPath: $0.topic], database, logger) }
    }
}
