import Postgres

/// The issue list's `query` as SQL over alias `i`. For now `is:<status>` and free text
/// (`IssueQuery`); Sentry's full search syntax replaces this.
enum IssueFilter {
    static func sql(query: String, userEmail: String?, builder: inout SQLBuilder) throws -> String? {
        let parsed = try IssueQuery.parse(query)
        var conditions: [String] = []
        if let statuses = parsed.statuses { conditions.append("i.status = ANY(\(builder.bind(PGArray(statuses)))::text[])") }
        if let text = parsed.text {
            let pattern = builder.bind("%" + text + "%")
            conditions.append("(i.title ILIKE \(pattern) OR i.culprit ILIKE \(pattern))")
        }
        return conditions.isEmpty ? nil : conditions.joined(separator: " AND ")
    }
}
