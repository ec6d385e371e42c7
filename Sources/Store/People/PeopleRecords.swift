import Foundation

/// A person who signs in to the dashboard. The one model of it, for the admin commands, the
/// dashboard and the API alike.
public struct User: Sendable, Equatable, Codable {
    public let id: Int64
    public let email: String
    public let name: String
    public let isActive: Bool
    public let createdAt: Date
}

/// A user's membership of one organization, with the role that decides what they may do there.
public struct Membership: Sendable, Equatable {
    public let id: Int64
    public let organizationID: Int64
    public let organizationSlug: String
    public let role: Role

    /// What the member may do, as a grant like an API token's (`Role.scopes`). Sessions carry no
    /// token: `tokenID` is 0.
    public func grant(user: User) -> TokenGrant {
        TokenGrant(tokenID: 0, organizationID: organizationID, scopes: role.scopes, userEmail: user.email, userID: user.id)
    }
}

/// A member of one organization as the members API lists them: the membership and its user.
public struct Member: Sendable, Equatable {
    public let id: Int64
    public let role: Role
    public let user: User
    public let createdAt: Date
}

/// A team of an organization: its members and the projects it owns.
public struct Team: Sendable, Equatable {
    public let id: Int64
    public let organizationID: Int64
    public let slug: String
    public let name: String
    public let createdAt: Date
    public let memberCount: Int64
    public let projectIDs: [Int64]
}
