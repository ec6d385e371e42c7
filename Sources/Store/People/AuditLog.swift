import EventModel
import Foundation

/// Who made a change the audit log records: a user (dashboard session or personal token), an
/// organization token, or the `faultline admin` command line.
public struct AuditActor: Sendable, Equatable {
    public let userID: Int64?
    public let label: String
    public let ipAddress: String?

    public init(userID: Int64?, label: String, ipAddress: String?) {
        self.userID = userID
        self.label = label
        self.ipAddress = ipAddress
    }

    public static let commandLine = AuditActor(userID: nil, label: "faultline admin", ipAddress: nil)

    /// The caller of an API request or dashboard form.
    public static func caller(_ grant: TokenGrant, ipAddress: String?) -> AuditActor {
        AuditActor(userID: grant.userID, label: grant.userEmail ?? "API token \(grant.tokenID)", ipAddress: ipAddress)
    }
}

/// One change, as Sentry's audit log names them (`member.add`, `orgauthtoken.create`, …).
public struct AuditEvent: Sendable, Equatable {
    public let name: String
    public let targetObject: Int64?
    public let targetUserID: Int64?
    public let data: JSON

    public init(_ name: String, targetObject: Int64? = nil, targetUserID: Int64? = nil, data: JSON = .object([:])) {
        self.name = name
        self.targetObject = targetObject
        self.targetUserID = targetUserID
        self.data = data
    }

    /// The events Faultline records (Sentry's names).
    public static let names = ["member.invite", "member.accept-invite", "member.add", "member.edit", "member.remove",
                               "member.join-team", "member.leave-team", "org.edit", "orgauthtoken.create", "orgauthtoken.remove",
                               "project.edit", "projectkey.add", "projectkey.edit", "team.create", "team.edit", "team.remove", "user.erase",
                               "rule.add", "rule.edit", "rule.remove", "sentry-app.add"]
}

/// A stored audit log entry.
public struct AuditEntry: Sendable, Equatable {
    public let id: Int64
    public let actorUserID: Int64?
    public let actorLabel: String
    public let event: String
    public let targetObject: Int64?
    public let targetUserID: Int64?
    public let ipAddress: String?
    public let data: JSON
    public let createdAt: Date
}
