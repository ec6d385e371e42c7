import EventModel
import Foundation
import Grouping
import Scrubbing
import Store
import Symbolication

/// One step of turning an ingest message into a stored event. `run` is pure over the event and
/// the batch's context; anything a stage needs from outside (project settings and rules today;
/// source maps, alert rules tomorrow) it fetches in `prepare`, once per batch, into that context,
/// through a source it was built with (`ProjectSettingsSource`). This file and the stages stay
/// free of Kafka and PostgreSQL, so the fuzzer builds them alone (fuzz/build.sh).
public protocol EventStage {
    /// I/O for the whole batch, before any event runs: fill `context` for `projects`.
    func prepare(_ context: inout EventBatchContext, projects: Set<Int64>)
    /// I/O that depends on the events themselves (symbolication: the artifacts their frames
    /// name): runs once per batch, after the stages before this one ran over every event, with
    /// the events as they left them.
    func prepare(_ context: inout EventBatchContext, events: [WorkingEvent])
    /// Pure: advance one event. Throwing makes the message a dead letter.
    func run(_ event: inout WorkingEvent, _ context: EventBatchContext) throws(EventFailure)
}

extension EventStage {
    public func prepare(_ context: inout EventBatchContext, projects: Set<Int64>) {}
    public func prepare(_ context: inout EventBatchContext, events: [WorkingEvent]) {}
}

/// A project's settings as the stages use them: scrubbing (and its rules compiled), and the
/// grouping rules parsed.
public struct ProjectProcessing: Sendable {
    public var scrubbing: ScrubbingSettings { scrubber.settings }
    public var scrubber: EventScrubber
    public var grouping: GroupingConfig

    public init(scrubbing: ScrubbingSettings, grouping: GroupingConfig) {
        scrubber = scrubbing == .default ? .default : EventScrubber(scrubbing)
        self.grouping = grouping
    }
}

/// Where stages read projects' settings in `prepare` (the processor: `ProjectSettingsCache`).
public protocol ProjectSettingsSource: AnyObject {
    /// The settings of those `projects` it knows; the others get the defaults (which scrub).
    func settings(for projects: Set<Int64>) -> [Int64: ProjectProcessing]
}

/// A stage that reads projects' settings (scrubbing, grouping rules): its `prepare` adds those of
/// the batch's projects to the context; nil `settings` leaves the context as given (tests, benchmarks).
public protocol ProjectSettingsStage: EventStage {
    var settings: (any ProjectSettingsSource)? { get }
}

extension ProjectSettingsStage {
    public func prepare(_ context: inout EventBatchContext, projects: Set<Int64>) {
        settings?.fill(&context, projects: projects)
    }
}

extension ProjectSettingsSource {
    /// Adds the settings of those `projects` the context lacks: several stages need them, the
    /// first one to prepare reads them.
    public func fill(_ context: inout EventBatchContext, projects: Set<Int64>) {
        let missing = projects.subtracting(context.projects.keys)
        guard !missing.isEmpty else { return }
        context.projects.merge(settings(for: missing)) { current, _ in current }
    }
}

/// Why a message did not become an event; it becomes a dead letter with this reason.
public enum EventFailure: Error, Equatable, CustomStringConvertible {
    case undecodable(String)

    public var description: String {
        switch self {
        case .undecodable(let reason): return reason
        }
    }
}

/// What stages prepared for one batch, per project. A project missing here gets the defaults
/// (which scrub).
public struct EventBatchContext: Sendable {
    public var projects: [Int64: ProjectProcessing] = [:]
    public var defaultScrubbing: ScrubbingSettings = .default {
        didSet { defaultScrubber = EventScrubber(defaultScrubbing) }
    }
    public private(set) var defaultScrubber: EventScrubber = .default
    public var defaultGrouping: GroupingConfig = .default
    /// The artifacts the batch's frames need, as `SymbolicateStage.prepare` found them.
    public var symbolication = SymbolicationArtifacts()

    public init() {}

    public func scrubbing(of project: Int64) -> ScrubbingSettings { projects[project]?.scrubbing ?? defaultScrubbing }
    public func scrubber(of project: Int64) -> EventScrubber { projects[project]?.scrubber ?? defaultScrubber }
    public func grouping(of project: Int64) -> GroupingConfig { projects[project]?.grouping ?? defaultGrouping }
}

/// An event between stages: the message it came from, its JSON as the stages have left it, and
/// the fields stages derived so far.
public struct WorkingEvent {
    public let metadata: IngestMessage.Metadata
    public let payload: [UInt8]
    public var json: [String: JSON] = [:]
    public var eventID = ""
    public var received = Date(timeIntervalSince1970: 0)
    public var timestamp = Date(timeIntervalSince1970: 0)
    public var platform = "other"
    public var level = "error"
    /// The event as grouped (before title, culprit and hashes were added to `json`).
    public var grouped: SentryEvent?
    public var grouping: GroupingResult?
    /// Indexed beside the payload.
    public var release: String?
    public var environment: String?
    public var traceID: String?
    public var userKey: String?
    public var identities = UserIdentities()
    public var tags: [String: String] = [:]
    /// What normalization and scrubbing changed or removed, stored as the event's `_meta`.
    public var meta = EventMeta()
    /// The JSON to store, once the last stage settled it.
    public var stored: String?

    public init(_ message: IngestMessage) {
        metadata = message.metadata
        payload = message.payload
    }

    public var projectID: Int64 { metadata.projectID }

    /// The event to write; fails if the stages left out grouping or the stored JSON.
    func processed() throws(EventFailure) -> ProcessedEvent {
        guard let grouping, let stored else {
            throw .undecodable("internal: the event stages did not group and store the event")
        }
        return ProcessedEvent(
            projectID: projectID, eventID: eventID, timestamp: timestamp, received: received,
            platform: platform, level: level, release: release, environment: environment,
            traceID: traceID, userKey: userKey, grouping: grouping, tags: tags, payload: stored,
            identities: identities)
    }
}
