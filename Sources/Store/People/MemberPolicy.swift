/// Who may give which role, as Sentry decides it (pure, unit-tested). A caller may give, change
/// or take away only roles whose scopes it holds all of: a manager (no `org:admin`) cannot make
/// an owner nor change or remove one, whatever the route. The organization always keeps an
/// owner: the last one cannot be removed or demoted.
public enum MemberPolicy {
    /// The roles a caller holding `scopes` may give: a role's scopes must all be the caller's,
    /// of those a token can carry (`Scope.all`; a token has no `alerts:*`, which guard nothing yet).
    public static func assignableRoles(by scopes: Set<String>) -> [Role] {
        Role.allCases.filter { $0.scopes.intersection(Scope.all).isSubset(of: scopes) }
    }

    /// Why the caller may not change a member from `current` to `new` (nil: a new invitation or
    /// a removal), or nil when it may. `owners` is how many owners the organization has now.
    public static func refusal(callerScopes scopes: Set<String>, current: Role?, new: Role?, owners: Int) -> String? {
        let assignable = assignableRoles(by: scopes)
        if let new, !assignable.contains(new) { return "You do not have permission to set that org-level role" }
        if let current, current != new, !assignable.contains(current) {
            return "You do not have permission to change a member with that role"
        }
        if current == .owner, new != .owner, owners <= 1 {
            return "Cannot remove or demote the only remaining owner of the organization"
        }
        return nil
    }

}
