import Postgres

/// The aggregates' `query` as SQL over alias `e` (events). For now free text on the title;
/// Sentry's search syntax replaces this.
enum EventFilter {
    static func sql(query: String, userEmail: String?, builder: inout SQLBuilder) throws -> String? {
        let text = query.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        return "e.title ILIKE \(builder.bind("%" + text + "%"))"
    }
}
