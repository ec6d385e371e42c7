/// Sentry's API token scopes that Faultline checks (members and teams: the people endpoints).
public enum Scope {
    public static let all = [
        "org:read", "org:write", "org:admin", "project:read", "project:write", "project:admin", "project:releases",
        "event:read", "event:write", "event:admin", "member:read", "member:write", "member:admin",
        "team:read", "team:write", "team:admin",
    ]
}
