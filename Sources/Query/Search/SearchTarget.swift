/// What a compiled search filters: issues (alias `i`) or events (alias `e`).
enum SearchTarget: Sendable {
    case issues
    case events
}
