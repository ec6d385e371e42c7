import EventModel
import Foundation
import Store

/// An issue in Sentry's API shape (`GET …/issues/`, `GET /issues/{id}/`). Built as `JSON` and
/// written by the pipeline's `JSONWriter`: Foundation's encoder cost more than the query.
enum IssueJSON {
    static func make(_ issue: IssueRecord, project: Project, baseURL: String,
                     stats: [String: [[Int64]]]? = nil) -> [String: JSON] {
        var json: [String: JSON] = [
            "id": .string(String(issue.id)),
            "shortId": .string(ShortID.format(projectSlug: project.slug, number: issue.shortID)),
            "title": .string(issue.title),
            "culprit": .string(issue.culprit),
            "permalink": .string("\(baseURL)/organizations/\(project.organizationSlug)/issues/\(issue.id)/"),
            "logger": .null,
            "level": .string(issue.level),
            "status": .string(issue.status),
            "statusDetails": .object(details(issue)),
            "substatus": issue.substatus.isEmpty ? .null : .string(issue.substatus),
            "isPublic": false,
            "platform": issue.platform.map(JSON.string) ?? .null,
            "project": .object(["id": .string(String(project.id)), "name": .string(project.name), "slug": .string(project.slug),
                                "platform": project.platform.map(JSON.string) ?? .null]),
            "type": .string(issue.type),
            "metadata": .object(issue.metadata),
            "numComments": 0,
            // A team assignee is stored as `team:slug` (IssueAssignee); Sentry's actor then names the team.
            "assignedTo": issue.assignedTo.map { name in
                name.hasPrefix("team:")
                    ? JSON.object(["type": "team", "id": .string(String(name.dropFirst(5))), "name": .string(String(name.dropFirst(5)))])
                    : JSON.object(["type": "user", "id": .string(name), "name": .string(name), "email": .string(name)])
            } ?? .null,
            "isBookmarked": false,
            "isSubscribed": false,
            "hasSeen": false,
            "annotations": .array([]),
            "issueType": "error",
            "issueCategory": "error",
            "count": .string(String(issue.timesSeen)),
            "userCount": .int(issue.userCount),
            "firstSeen": .string(Timestamp.format(issue.firstSeen)),
            "lastSeen": .string(Timestamp.format(issue.lastSeen)),
            "firstRelease": issue.firstRelease.map(JSON.string) ?? .null,
            "lastRelease": issue.lastRelease.map(JSON.string) ?? .null,
        ]
        if let stats {
            json["stats"] = .object(stats.mapValues { buckets in .array(buckets.map { .array($0.map(JSON.int)) }) })
        }
        return json
    }

    static func details(_ issue: IssueRecord) -> [String: JSON] {
        switch issue.status {
        case "resolved" where issue.resolution == "in_release":
            return ["inRelease": issue.resolvedInRelease.map(JSON.string) ?? .null]
        case "resolved" where issue.resolution == "in_next_release":
            return ["inNextRelease": true]
        case "ignored":
            return [
                "ignoreUntil": issue.ignoreUntil.map { .string(Timestamp.format($0)) } ?? .null,
                "ignoreCount": issue.ignoreCount.map(JSON.int) ?? .null,
                "ignoreWindow": issue.ignoreWindow.map(JSON.int) ?? .null,
                "ignoreUserCount": issue.ignoreUserCount.map(JSON.int) ?? .null,
                "ignoreUserWindow": issue.ignoreUserWindow.map(JSON.int) ?? .null,
            ]
        default:
            return [:]
        }
    }
}
