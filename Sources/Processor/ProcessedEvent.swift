import Foundation
import Grouping
import Store

/// An event ready to be written: normalized fields, grouping, and the JSON to store.
public struct ProcessedEvent: Sendable {
    public var projectID: Int64
    public var eventID: String
    public var timestamp: Date
    public var received: Date
    public var platform: String
    public var level: String
    public var release: String?
    public var environment: String?
    public var traceID: String?
    public var userKey: String?
    public var grouping: GroupingResult
    /// Normalized tags (including environment, release, level), for the tag rollup.
    public var tags: [String: String]
    /// The normalized event JSON, as stored in `events.payload`.
    public var payload: String
    /// The end user's identifiers, checked against the organization's erasures before the write.
    public var identities = UserIdentities()
}
