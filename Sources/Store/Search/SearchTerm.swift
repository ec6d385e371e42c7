/// One term of a search, as parsed: what it filters on, whether it was negated with `!`, and
/// where it began (so that the SQL compiler can point at a term it cannot use).
struct SearchTerm: Equatable, Sendable {
    var filter: SearchFilter
    var negated: Bool = false
    /// The key as written (`timesSeen`, `tags[os]`), or "" for free text; used in messages.
    var key: String = ""
    var position: Int = 0
}

/// What a term filters on. Values are already interpreted: `is:muted` is `.status([.ignored])`,
/// `-24h` is a date range computed from the parse's `now`.
enum SearchFilter: Equatable, Sendable {
    /// `is:unresolved|resolved|ignored` (`archived` and `muted` are `ignored`).
    case status([SearchIssueStatus])
    /// `is:new|ongoing|regressed|escalating`.
    case substatus([SearchIssueSubstatus])
    /// `is:assigned` (true) and `is:unassigned` (false).
    case isAssigned(Bool)
    /// `assigned:me|none|#team|<email>`; any of the listed assignees.
    case assignedTo([SearchAssignee])
    /// `assigned_or_suggested:me|my_teams|none|#team|<email>`: as `assigned:`, and `me` also
    /// takes the user's teams' issues. Sentry adds unassigned issues suggested to them (ownership
    /// rules and suspect commits); Faultline has no ownership rules yet (issue #18), so the
    /// suggestion part matches nothing — `SearchSQL` has the place for it.
    case assignedOrSuggested([SearchAssignee])
    /// `level:`: the issue's level (its latest event's), or the event's.
    case level([SearchValue])
    /// `release:`: an issue seen in any of these releases, or an event from one of them.
    case release([SearchRelease])
    /// `firstRelease:`: the release an issue was first seen in.
    case firstRelease([SearchRelease])
    case environment([SearchValue])
    /// `<key>:<value>` and `tags[<key>]:<value>`: any of the values.
    case tag(key: String, values: [SearchValue])
    /// `has:<key>`.
    case hasTag(String)
    /// `firstSeen:` and `age:`.
    case firstSeen(SearchDateRange)
    case lastSeen(SearchDateRange)
    /// `times_seen:` / `timesSeen:`.
    case timesSeen(SearchComparison, Int64)
    /// `user.email:`.
    case userEmail([SearchValue])
    /// A bare word, a quoted string or `message:`: a case-insensitive substring of the title or
    /// culprit.
    case text(SearchValue)
}

enum SearchIssueStatus: String, Equatable, Sendable {
    case unresolved, resolved, ignored
}

enum SearchIssueSubstatus: String, Equatable, Sendable {
    case new, ongoing, regressed, escalating
}

enum SearchAssignee: Equatable, Sendable {
    /// The user the API token names, if it names one.
    case me
    /// Nobody.
    case none
    /// Compared case-insensitively; `*` wildcards allowed.
    case email(SearchValue)
    /// `#slug`: issues assigned to the team (stored as `team:slug`).
    case team(String)
    /// `my_teams`: assigned to any team the user is in.
    case myTeams
}

enum SearchRelease: Equatable, Sendable {
    /// The project's newest release, by creation time.
    case latest
    case version(SearchValue)
}

/// A comparison operator, written as in the query and as in SQL (the raw value is only ever
/// one of these constants, never user text).
enum SearchComparison: String, Equatable, Sendable {
    case equal = "="
    case notEqual = "!="
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="
}
