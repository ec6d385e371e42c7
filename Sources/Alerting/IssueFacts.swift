import Foundation

/// What one batch's transaction knows about one issue it changed: the change (new, regressed,
/// escalated), its latest event there, and the issue's row after the batch. Rules are evaluated
/// from these alone, so the same batch replayed after a crash decides the same.
public struct IssueFacts: Sendable, Equatable {
    public var issueID: Int64
    public var projectID: Int64
    public var isNew: Bool
    public var regressed: Bool
    public var escalated: Bool
    /// The latest event of the issue in the batch.
    public var level: String
    public var environment: String?
    public var release: String?
    public var tags: [String: String]
    /// Event attributes for `EventAttributeFilter` (`type`, `value`, `message`, `platform`, …).
    public var attributes: [String: [String]]
    public var firstSeen: Date
    public var timesSeen: Int64
    /// `user:ID`, `team:ID` or nil.
    public var assignedTo: String?

    public init(issueID: Int64, projectID: Int64, isNew: Bool = false, regressed: Bool = false, escalated: Bool = false,
                level: String = "error", environment: String? = nil, release: String? = nil, tags: [String: String] = [:],
                attributes: [String: [String]] = [:], firstSeen: Date, timesSeen: Int64, assignedTo: String? = nil) {
        self.issueID = issueID
        self.projectID = projectID
        self.isNew = isNew
        self.regressed = regressed
        self.escalated = escalated
        self.level = level
        self.environment = environment
        self.release = release
        self.tags = tags
        self.attributes = attributes
        self.firstSeen = firstSeen
        self.timesSeen = timesSeen
        self.assignedTo = assignedTo
    }
}

/// Event and user counts of an issue over the last `minutes`, which only the database knows.
public struct WindowCounts: Sendable, Equatable {
    public var events: Int64
    public var users: Int64
    public init(events: Int64, users: Int64) { self.events = events; self.users = users }
}
