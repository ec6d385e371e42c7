/// An organization member's role, as in Sentry: member < admin < manager < owner. What each role
/// may do is `scopes` — the one table the API and the dashboard both check (a session's grant
/// carries its role's scopes, and routes require scopes, never roles).
public enum Role: String, Sendable, CaseIterable, Comparable, Codable {
    case member, admin, manager, owner

    /// Sentry's role → scopes table (its documented organization roles). Scopes Faultline has
    /// no routes for yet (alerts, integrations) are kept so a token or script sees Sentry's set.
    public var scopes: Set<String> {
        switch self {
        case .member:
            return ["event:read", "event:write", "event:admin", "project:releases", "project:read", "org:read",
                    "member:read", "team:read", "alerts:read", "alerts:write"]
        case .admin:
            return ["event:read", "event:write", "event:admin", "org:read", "member:read", "project:read", "project:write",
                    "project:admin", "project:releases", "team:read", "team:write", "team:admin", "org:integrations",
                    "alerts:read", "alerts:write"]
        case .manager:
            return ["event:read", "event:write", "event:admin", "member:read", "member:write", "member:admin", "project:read",
                    "project:write", "project:admin", "project:releases", "team:read", "team:write", "team:admin", "org:read",
                    "org:write", "org:integrations", "alerts:read", "alerts:write"]
        case .owner:
            return Role.manager.scopes.union(["org:admin"])
        }
    }

    /// The order Sentry lists roles in (a higher role may do everything a lower one may).
    var rank: Int {
        switch self {
        case .member: 0
        case .admin: 1
        case .manager: 2
        case .owner: 3
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// Sentry's display name.
    public var name: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
