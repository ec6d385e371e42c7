/// Sentry's API token scopes that Faultline checks.
public enum Scope {
    public static let all = [
        "org:read", "org:write", "org:admin", "project:read", "project:write", "project:releases",
        "event:read", "event:write", "event:admin",
    ]
}
