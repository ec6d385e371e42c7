import EventModel
import Foundation

/// What a notification is about: the issue after the batch, its triggering event and the rule.
/// Built in the batch's transaction; every channel's payload is made from it.
public struct AlertSubject: Sendable {
    public var organizationSlug: String
    public var projectSlug: String
    public var projectName: String
    public var issueID: Int64
    public var shortID: String
    public var title: String
    public var culprit: String
    public var level: String
    public var status: String
    public var timesSeen: Int64
    public var userCount: Int64
    public var firstSeen: Date
    public var lastSeen: Date
    /// The issue's page in the dashboard.
    public var issueURL: String
    public var eventID: String
    /// The stored event JSON.
    public var event: JSON
    public var ruleName: String
    /// Why: `created`, `regressed`, `escalated` or `triggered`.
    public var reason: String

    public init(organizationSlug: String, projectSlug: String, projectName: String, issueID: Int64, shortID: String, title: String,
                culprit: String, level: String, status: String, timesSeen: Int64, userCount: Int64, firstSeen: Date, lastSeen: Date,
                issueURL: String, eventID: String, event: JSON, ruleName: String, reason: String) {
        self.organizationSlug = organizationSlug
        self.projectSlug = projectSlug
        self.projectName = projectName
        self.issueID = issueID
        self.shortID = shortID
        self.title = title
        self.culprit = culprit
        self.level = level
        self.status = status
        self.timesSeen = timesSeen
        self.userCount = userCount
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.issueURL = issueURL
        self.eventID = eventID
        self.event = event
        self.ruleName = ruleName
        self.reason = reason
    }

    /// The first `limit` frames of the event's first exception, innermost first, one per line.
    public func stackHead(limit: Int = 5) -> [String] {
        guard let values = event["exception"]?["values"]?.array, let exception = values.last,
              let frames = exception["stacktrace"]?["frames"]?.array else { return [] }
        return frames.reversed().prefix(limit).map { frame in
            let function = frame["function"]?.string ?? "?"
            let file = frame["filename"]?.string ?? frame["module"]?.string ?? "?"
            let line = frame["lineno"]?.int.map { ":\($0)" } ?? ""
            return "\(file)\(line) in \(function)"
        }
    }

    /// The event's tags as pairs (Sentry stores them as `[[key, value], …]` or an object).
    public var tags: [(String, String)] {
        if let pairs = event["tags"]?.array {
            return pairs.compactMap { pair in
                guard let items = pair.array, items.count == 2, let key = items[0].string, let value = items[1].string else { return nil }
                return (key, value)
            }
        }
        if let object = event["tags"]?.object {
            return object.keys.sorted().compactMap { key in object[key]?.string.map { (key, $0) } }
        }
        return []
    }
}

extension AlertSubject {
    /// The stored form (the outbox's `subject`).
    public var json: JSON {
        [
            "organization": .string(organizationSlug), "project": .string(projectSlug), "project_name": .string(projectName),
            "issue_id": .int(issueID), "short_id": .string(shortID), "title": .string(title), "culprit": .string(culprit),
            "level": .string(level), "status": .string(status), "times_seen": .int(timesSeen), "user_count": .int(userCount),
            "first_seen": .double(firstSeen.timeIntervalSince1970), "last_seen": .double(lastSeen.timeIntervalSince1970),
            "issue_url": .string(issueURL), "event_id": .string(eventID), "event": event, "rule": .string(ruleName), "reason": .string(reason),
        ]
    }

    /// From a stored row; nil when it is not one (rows are read as hostile).
    public init?(json: JSON) {
        guard let organization = json["organization"]?.string, let project = json["project"]?.string,
              let issueID = json["issue_id"]?.int, let title = json["title"]?.string, let url = json["issue_url"]?.string else { return nil }
        self.init(organizationSlug: organization, projectSlug: project, projectName: json["project_name"]?.string ?? project,
                  issueID: issueID, shortID: json["short_id"]?.string ?? String(issueID), title: title,
                  culprit: json["culprit"]?.string ?? "", level: json["level"]?.string ?? "error", status: json["status"]?.string ?? "unresolved",
                  timesSeen: json["times_seen"]?.int ?? 0, userCount: json["user_count"]?.int ?? 0,
                  firstSeen: Date(timeIntervalSince1970: json["first_seen"]?.double ?? 0),
                  lastSeen: Date(timeIntervalSince1970: json["last_seen"]?.double ?? 0),
                  issueURL: url, eventID: json["event_id"]?.string ?? "", event: json["event"] ?? .null,
                  ruleName: json["rule"]?.string ?? "", reason: json["reason"]?.string ?? "triggered")
    }
}
