import Postgres

/// Compiles a parsed search into a SQL condition. Pure: it only builds text and parameters.
/// Every value from the query is a bound parameter; the SQL text holds only constants.
public struct SearchSQL {
    /// A WHERE fragment (no leading AND) over alias `i` (issues) or `e` (events), with $n placeholders
    /// numbered from parameters.count + 1; appends the bound values to `parameters`.
    /// An empty search compiles to `TRUE`.
    public static func compile(_ search: IssueSearch, target: SearchTarget, userEmail: String?,
                        parameters: inout [any PGBindable]) throws(SearchError) -> String {
        var compiler = SearchSQLCompiler(target: target, userEmail: userEmail, parameters: parameters)
        var conditions: [String] = []
        for term in search.terms {
            conditions.append(try compiler.condition(term))
        }
        parameters = compiler.parameters
        return conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND ")
    }
}

/// The term-by-term work of SearchSQL.compile; see docs/SEARCH.md for what each filter becomes.
private struct SearchSQLCompiler {
    let target: SearchTarget
    let userEmail: String?
    var parameters: [any PGBindable]

    /// `LIKE`'s escape character, given explicitly (the patterns escape `%`, `_` and `\`).
    static let escape = #"ESCAPE '\'"#

    /// One term, parenthesized. Negation treats NULL as false, so `!release:1.0` keeps events
    /// without a release and `!assigned:x` keeps unassigned issues.
    mutating func condition(_ term: SearchTerm) throws(SearchError) -> String {
        let predicate: String
        if target == .issues {
            predicate = issuePredicate(term.filter, issue: "i")
        } else {
            predicate = try eventPredicate(term)
        }
        return term.negated ? "NOT COALESCE(\(predicate), FALSE)" : "(\(predicate))"
    }

    // MARK: Issues

    private mutating func issuePredicate(_ filter: SearchFilter, issue i: String) -> String {
        switch filter {
        case .status(let statuses):
            return matches("\(i).status", statuses.map { SearchValue($0.rawValue) })
        case .substatus(let substatuses):
            return matches("\(i).substatus", substatuses.map { SearchValue($0.rawValue) })
        case .isAssigned(let assigned):
            return "\(i).assigned_to IS \(assigned ? "NOT NULL" : "NULL")"
        case .assignedTo(let assignees):
            return anyOf(assignees.map { assigned($0, issue: i) })
        case .assignedOrSuggested(let assignees):
            return anyOf(assignees.map { assignee in
                // `me`: mine or my teams'. Sentry also matches unassigned issues suggested to the
                // user (ownership rules, suspect commits): add that condition here once ownership
                // rules exist (issue #18).
                assignee == .me ? anyOf([assigned(.me, issue: i), assigned(.myTeams, issue: i)]) : assigned(assignee, issue: i)
            })
        case .level(let values):
            // The issue's level is its latest event's (what Sentry shows in the list).
            return matches("\(i).level", values)
        case .release(let releases):
            return "EXISTS (SELECT 1 FROM issue_releases r WHERE r.issue_id = \(i).id AND \(matches("r.release", releases, project: "\(i).project_id")))"
        case .firstRelease(let releases):
            return matches("\(i).first_release", releases, project: "\(i).project_id")
        case .environment(let values):
            return "EXISTS (SELECT 1 FROM issue_environments env WHERE env.issue_id = \(i).id AND \(matches("env.environment", values)))"
        case .tag(let key, let values):
            return "EXISTS (SELECT 1 FROM issue_tag_values t WHERE t.issue_id = \(i).id AND t.key = \(bind(key)) AND \(matches("t.value", values)))"
        case .hasTag(let key):
            return "EXISTS (SELECT 1 FROM issue_tag_values t WHERE t.issue_id = \(i).id AND t.key = \(bind(key)))"
        case .firstSeen(let range):
            return within("\(i).first_seen", range)
        case .lastSeen(let range):
            return within("\(i).last_seen", range)
        case .timesSeen(let comparison, let count):
            return "\(i).times_seen \(comparison.rawValue) \(bind(count, as: "bigint"))"
        case .userEmail(let values):
            // A `user.email` tag if the SDK sent one, or the issue's users: their key is
            // `email:<address>` when the user had an email but no id.
            return "(EXISTS (SELECT 1 FROM issue_tag_values t WHERE t.issue_id = \(i).id AND t.key = 'user.email' AND \(matches("t.value", values)))"
                + " OR EXISTS (SELECT 1 FROM issue_users u WHERE u.issue_id = \(i).id AND \(matches("u.user_key", values, prefix: "email:"))))"
        case .text(let value):
            let pattern = bind(value.containsPattern)
            return "(\(i).title ILIKE \(pattern) \(Self.escape) OR \(i).culprit ILIKE \(pattern) \(Self.escape))"
        }
    }

    /// Issues assigned to `assignee`.
    private mutating func assigned(_ assignee: SearchAssignee, issue i: String) -> String {
        switch assignee {
        case .me:
            // A token that names no user has no "me": nothing is assigned to it.
            guard let userEmail else { return "FALSE" }
            return "\(i).assigned_to ILIKE \(bind(SearchValue.escapingLike(userEmail))) \(Self.escape)"
        case .none:
            return "\(i).assigned_to IS NULL"
        case .email(let email):
            return "\(i).assigned_to ILIKE \(bind(email.likePattern)) \(Self.escape)"
        case .team(let slug):
            return "lower(\(i).assigned_to) = \(bind("team:" + slug))"
        case .myTeams:
            guard let userEmail else { return "FALSE" }
            return """
                lower(\(i).assigned_to) IN (SELECT 'team:' || t.slug FROM teams t JOIN team_members tm ON tm.team_id = t.id \
                JOIN users u ON u.id = tm.user_id JOIN projects p ON p.organization_id = t.organization_id \
                WHERE p.id = \(i).project_id AND lower(u.email) = lower(\(bind(userEmail))))
                """
        }
    }

    // MARK: Events

    private mutating func eventPredicate(_ term: SearchTerm) throws(SearchError) -> String {
        switch term.filter {
        case .status, .substatus, .isAssigned:
            return "EXISTS (SELECT 1 FROM issues i2 WHERE i2.id = e.issue_id AND \(issuePredicate(term.filter, issue: "i2")))"
        case .level(let values):
            return matches("e.level", values)
        case .release(let releases):
            return matches("e.release", releases, project: "e.project_id")
        case .environment(let values):
            return matches("e.environment", values)
        case .tag(let key, let values):
            return matches("(e.payload->'tags'->>\(bind(key)))", values)
        case .hasTag("environment"):
            return "e.environment IS NOT NULL"
        case .hasTag("release"):
            return "e.release IS NOT NULL"
        case .hasTag(let key):
            return "(e.payload->'tags'->>\(bind(key))) IS NOT NULL"
        case .userEmail(let values):
            return matches("(e.payload->'user'->>'email')", values)
        case .text(let value):
            return "e.title ILIKE \(bind(value.containsPattern)) \(Self.escape)"
        case .assignedTo, .assignedOrSuggested, .firstRelease, .firstSeen, .lastSeen, .timesSeen:
            throw SearchError(position: term.position, "\(term.key) cannot be used in this search")
        }
    }

    // MARK: Building blocks

    private mutating func bind(_ value: some PGBindable, as type: String = "text") -> String {
        parameters.append(value)
        return "$\(parameters.count)::\(type)"
    }

    private func anyOf(_ conditions: [String]) -> String {
        conditions.count == 1 ? conditions[0] : "(" + conditions.joined(separator: " OR ") + ")"
    }

    /// `column` equal to one of the plain values or LIKE one of the patterns; `prefix` is
    /// prepended (literally) to each.
    private mutating func matches(_ column: String, _ values: [SearchValue], prefix: String = "") -> String {
        var conditions: [String] = []
        let exact = values.filter { !$0.isPattern }.map { prefix + $0.text }
        if exact.count == 1 {
            conditions.append("\(column) = \(bind(exact[0]))")
        } else if exact.count > 1 {
            conditions.append("\(column) = ANY(\(bind(PGArray(exact), as: "text[]")))")
        }
        for pattern in values where pattern.isPattern {
            conditions.append("\(column) LIKE \(bind(SearchValue.escapingLike(prefix) + pattern.likePattern)) \(Self.escape)")
        }
        return anyOf(conditions)
    }

    /// Releases, where `latest` is the newest release of the row's project by creation time.
    private mutating func matches(_ column: String, _ releases: [SearchRelease], project: String) -> String {
        var conditions: [String] = []
        if releases.contains(.latest) {
            conditions.append("\(column) = (SELECT r2.version FROM releases r2 JOIN release_projects rp ON rp.release_id = r2.id"
                              + " WHERE rp.project_id = \(project) ORDER BY r2.created_at DESC, r2.id DESC LIMIT 1)")
        }
        let versions = releases.compactMap { release -> SearchValue? in
            if case .version(let value) = release { return value }
            return nil
        }
        if !versions.isEmpty { conditions.append(matches(column, versions)) }
        return anyOf(conditions)
    }

    private mutating func within(_ column: String, _ range: SearchDateRange) -> String {
        var conditions: [String] = []
        if let lower = range.lower {
            conditions.append("\(column) \(range.lowerInclusive ? ">=" : ">") \(bind(lower, as: "timestamptz"))")
        }
        if let upper = range.upper {
            conditions.append("\(column) \(range.upperInclusive ? "<=" : "<") \(bind(upper, as: "timestamptz"))")
        }
        return conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND ")
    }
}
