/// What a compiled search filters: issues (alias `i`) or events (alias `e`).
public enum SearchTarget: Sendable {
    case issues
    case events
}
