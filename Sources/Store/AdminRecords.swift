import Foundation

/// An organization: the tenant every project, token and API request belongs to. The one model
/// of it, used by the admin commands and the API alike.
public struct Organization: Sendable, Equatable, Codable {
    public let id: Int64
    public let slug: String
    public let name: String
    public let createdAt: Date
}

/// A project with what the API shows of its organization. The one model of it, used by the
/// admin commands and the API alike.
public struct Project: Sendable, Equatable, Codable {
    public let id: Int64
    public let organizationID: Int64
    public let organizationSlug: String
    public let organizationName: String
    public let slug: String
    public let name: String
    public let platform: String?
    public let createdAt: Date
}

public struct ProjectKey: Sendable, Equatable, Codable {
    public let id: Int64
    public let projectID: Int64
    public let publicKey: String
    public let label: String
    public let isActive: Bool
    public let createdAt: Date
    /// The DSN's secret part (Sentry's `secret`): shown to `project:write` callers, never an
    /// authentication factor.
    public var secretKey: String? = nil
}

public struct APIToken: Sendable, Equatable, Codable {
    public let id: Int64
    public let organizationID: Int64
    public let organizationSlug: String
    public let prefix: String
    public let label: String
    public let scopes: [String]
    public let createdAt: Date
    public let revokedAt: Date?
}

/// A token that just authenticated: its organization and scopes.
public struct TokenGrant: Sendable, Equatable {
    public let tokenID: Int64
    public let organizationID: Int64
    public let scopes: Set<String>
    /// The person the token belongs to, if it names one (`assigned:me`).
    public let userEmail: String?
    /// The signed-in user (a dashboard session); nil for an organization token.
    public let userID: Int64?

    public init(tokenID: Int64, organizationID: Int64, scopes: Set<String>, userEmail: String? = nil, userID: Int64? = nil) {
        self.tokenID = tokenID
        self.organizationID = organizationID
        self.scopes = scopes
        self.userEmail = userEmail
        self.userID = userID
    }
}
