import EventModel
import Foundation
import Postgres

/// A row of `issues`, as the API needs it.
public struct IssueRecord: Sendable {
    public let id: Int64
    public let projectID: Int64
    public let shortID: Int64
    public let title: String
    public let culprit: String
    public let level: String
    public let status: String
    public let substatus: String
    public let platform: String?
    public let type: String
    public let metadata: [String: JSON]
    public let timesSeen: Int64
    public let userCount: Int64
    public let firstSeen: Date
    public let lastSeen: Date
    public let firstRelease: String?
    public let lastRelease: String?
    public let assignedTo: String?
    public let resolution: String?
    public let resolvedInRelease: String?
    public let ignoreUntil: Date?
    public let ignoreCount: Int64?
    public let ignoreWindow: Int64?
    public let ignoreUserCount: Int64?
    public let ignoreUserWindow: Int64?

    init(_ row: PGRow) throws {
        id = try row.int("id")
        projectID = try row.int("project_id")
        shortID = try row.int("short_id")
        title = try row.string("title")
        culprit = try row.string("culprit")
        level = try row.string("level")
        status = try row.string("status")
        substatus = try row.string("substatus")
        platform = try row.optionalString("platform")
        type = try row.string("type")
        metadata = (try? JSON.parse(try row.string("metadata")))?.object ?? [:]
        timesSeen = try row.int("times_seen")
        userCount = try row.int("user_count")
        firstSeen = try row.date("first_seen")
        lastSeen = try row.date("last_seen")
        firstRelease = try row.optionalString("first_release")
        lastRelease = try row.optionalString("last_release")
        assignedTo = try row.optionalString("assigned_to")
        resolution = try row.optionalString("resolution")
        resolvedInRelease = try row.optionalString("resolved_in_release")
        ignoreUntil = try row.optionalDate("ignore_until")
        ignoreCount = try row.optionalInt("ignore_count")
        ignoreWindow = try row.optionalInt("ignore_window_minutes")
        ignoreUserCount = try row.optionalInt("ignore_user_count")
        ignoreUserWindow = try row.optionalInt("ignore_user_window_minutes")
    }
}
