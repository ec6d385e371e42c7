/// Collects the values of a statement built in pieces and names their placeholders, so that
/// every value, including the search fragments, is bound and never spliced into the SQL text.
public struct SQLBuilder: Sendable {
    public var parameters: [any PGBindable] = []

    public init() {}

    public mutating func bind(_ value: any PGBindable) -> String {
        parameters.append(value)
        return "$\(parameters.count)"
    }
}
