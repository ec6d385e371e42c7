import Foundation
import Postgres
import Store

/// A `query` in Sentry's search syntax as a SQL condition: over issues (`i`) for issue lists and
/// the dashboard, over events (`e`) for the aggregates.
enum SearchFilterSQL {
    /// nil for an empty query; a 400 with Sentry's "Error parsing search query" for a bad one.
    static func compile(_ query: String, target: SearchTarget, userEmail: String?, builder: inout SQLBuilder) throws -> String? {
        do {
            let search = try IssueSearch.parse(query, now: Date())
            guard !search.isEmpty else { return nil }
            return try SearchSQL.compile(search, target: target, userEmail: userEmail, parameters: &builder.parameters)
        } catch {
            throw QueryError(.badRequest, error.detail)
        }
    }
}
