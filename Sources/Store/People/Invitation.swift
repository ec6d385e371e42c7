import Foundation

/// A pending member of an organization: an address invited with a role (and teams), who becomes a
/// member by opening the invitation's one-time link. Its `id` is the member id it keeps once
/// accepted.
public struct Invitation: Sendable, Equatable {
    public let id: Int64
    public let organizationID: Int64
    public let email: String
    public let role: Role
    public let teamSlugs: [String]
    public let invitedByUserID: Int64?
    public let createdAt: Date
    public let expiresAt: Date
    public let acceptedAt: Date?

    /// Whether the link still works at `now`.
    public func isOpen(at now: Date) -> Bool { acceptedAt == nil && now < expiresAt }

    /// How long a link works unless the inviter says otherwise: Sentry's invitations expire
    /// after 30 days.
    public static let defaultLifetime: TimeInterval = 30 * 24 * 3600
}
