import Foundation
import Postgres

/// A `query` in Sentry's search syntax as SQL over issues (`i`), for the issue lists.
enum IssueFilter {
    static func sql(query: String, userEmail: String?, builder: inout SQLBuilder) throws -> String? {
        try SearchFilterSQL.compile(query, target: .issues, userEmail: userEmail, builder: &builder)
    }
}

/// A `query` in the same syntax over events (`e`), for the analyst aggregates.
enum EventFilter {
    static func sql(query: String, userEmail: String?, builder: inout SQLBuilder) throws -> String? {
        try SearchFilterSQL.compile(query, target: .events, userEmail: userEmail, builder: &builder)
    }
}

enum SearchFilterSQL {
    /// nil for an empty query; a 400 with Sentry's "Error parsing search query" for a bad one.
    static func compile(_ query: String, target: SearchTarget, userEmail: String?, builder: inout SQLBuilder) throws -> String? {
        do {
            let search = try IssueSearch.parse(query, now: Date())
            guard !search.terms.isEmpty else { return nil }
            return try SearchSQL.compile(search, target: target, userEmail: userEmail, parameters: &builder.parameters)
        } catch {
            throw QueryError(.badRequest, error.detail)
        }
    }
}
