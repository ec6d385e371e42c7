import EventModel
import Foundation

/// An issue in Sentry's API shape (`GET …/issues/`, `GET /issues/{id}/`).
struct IssueJSON: Encodable, Sendable {
    struct ProjectRef: Encodable, Sendable {
        let id: String
        let name: String
        let slug: String
        let platform: String?
    }

    struct Assignee: Encodable, Sendable {
        let type = "user"
        let id: String
        let name: String
        let email: String
    }

    struct StatusDetails: Encodable, Sendable {
        var inRelease: String?
        var inNextRelease: Bool?
        var ignoreUntil: String?
        var ignoreCount: Int64?
        var ignoreWindow: Int64?
        var ignoreUserCount: Int64?
        var ignoreUserWindow: Int64?
    }

    let id: String
    let shortId: String
    let title: String
    let culprit: String
    let permalink: String
    let logger: String?
    let level: String
    let status: String
    let statusDetails: StatusDetails
    let substatus: String?
    let isPublic = false
    let platform: String?
    let project: ProjectRef
    let type: String
    let metadata: JSON
    let numComments = 0
    let assignedTo: Assignee?
    let isBookmarked = false
    let isSubscribed = false
    let hasSeen = false
    let annotations: [String] = []
    let issueType = "error"
    let issueCategory = "error"
    let count: String
    let userCount: Int64
    let firstSeen: String
    let lastSeen: String
    let firstRelease: String?
    let lastRelease: String?
    let stats: [String: [[Int64]]]?

    init(_ issue: IssueRecord, project: APIContext.Project, baseURL: String, stats: [String: [[Int64]]]? = nil) {
        id = String(issue.id)
        shortId = ShortID.format(projectSlug: project.slug, number: issue.shortID)
        title = issue.title
        culprit = issue.culprit
        permalink = "\(baseURL)/organizations/\(project.organization.slug)/issues/\(issue.id)/"
        logger = nil
        level = issue.level
        status = issue.status
        statusDetails = Self.details(issue)
        substatus = issue.substatus.isEmpty ? nil : issue.substatus
        platform = issue.platform
        self.project = ProjectRef(id: String(project.id), name: project.name, slug: project.slug, platform: project.platform)
        type = issue.type
        metadata = .object(issue.metadata)
        assignedTo = issue.assignedTo.map { Assignee(id: $0, name: $0, email: $0) }
        count = String(issue.timesSeen)
        userCount = issue.userCount
        firstSeen = Timestamp.format(issue.firstSeen)
        lastSeen = Timestamp.format(issue.lastSeen)
        firstRelease = issue.firstRelease
        lastRelease = issue.lastRelease
        self.stats = stats
    }

    static func details(_ issue: IssueRecord) -> StatusDetails {
        var details = StatusDetails()
        switch issue.status {
        case "resolved" where issue.resolution == "in_release":
            details.inRelease = issue.resolvedInRelease
        case "resolved" where issue.resolution == "in_next_release":
            details.inNextRelease = true
        case "ignored":
            details.ignoreUntil = issue.ignoreUntil.map(Timestamp.format)
            details.ignoreCount = issue.ignoreCount
            details.ignoreWindow = issue.ignoreWindow
            details.ignoreUserCount = issue.ignoreUserCount
            details.ignoreUserWindow = issue.ignoreUserWindow
        default:
            break
        }
        return details
    }
}
