/// Why a search query was refused, and where: `position` is the 0-based offset, in Unicode
/// scalars, of the character at fault.
public struct SearchError: Error, Equatable, Sendable {
    public var position: Int
    public var message: String

    init(position: Int, _ message: String) {
        self.position = position
        self.message = message
    }

    /// The text of the API's 400 answer, `{"detail": …}`.
    public var detail: String { "Error parsing search query: \(message) (column \(position))" }

    static func booleanStatement(at position: Int) -> SearchError {
        SearchError(position: position, #"Boolean statements containing "OR" or "AND" are not supported in this search"#)
    }
}
