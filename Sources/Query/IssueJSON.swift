/// An issue in Sentry's API shape (`GET …/issues/`).
struct IssueJSON: Encodable, Sendable {
    struct ProjectRef: Encodable, Sendable {
        let id: String
        let name: String
        let slug: String
        let platform: String?
    }

    struct Metadata: Encodable, Sendable {
        let type: String?
        let value: String?
        let title: String?
    }

    struct StatusDetails: Encodable, Sendable {}

    let id: String
    let shortId: String
    let title: String
    let culprit: String
    let permalink: String
    let logger: String?
    let level: String
    let status: String
    let statusDetails: StatusDetails
    let substatus: String
    let isPublic: Bool
    let platform: String?
    let project: ProjectRef
    let type: String
    let metadata: Metadata
    let numComments: Int
    let assignedTo: String?
    let isBookmarked: Bool
    let isSubscribed: Bool
    let hasSeen: Bool
    let annotations: [String]
    let issueType: String
    let issueCategory: String
    let count: String
    let userCount: Int64
    let firstSeen: String
    let lastSeen: String
    let firstRelease: String?
    let lastRelease: String?
}
