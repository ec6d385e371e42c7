/// The one error type of the Store layer (besides PGError from the driver itself). Its kind says
/// what went wrong, so callers tell a missing row from a taken name or a bad value without
/// reading the text (the query layer maps kinds to HTTP statuses in `QueryError`).
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The row named does not exist.
        case notFound
        /// The row already exists (a unique name is taken).
        case conflict
        /// A value is not acceptable (a slug, a scope).
        case invalid
        /// The database did not do what it should have (a row vanished mid-transaction).
        case inconsistent
        /// Storing this would take the organization over its quota (the blob store's).
        case quotaExceeded
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    public static func notFound(_ description: String) -> StoreError { StoreError(.notFound, description) }
    public static func conflict(_ description: String) -> StoreError { StoreError(.conflict, description) }
    public static func invalid(_ description: String) -> StoreError { StoreError(.invalid, description) }
    public static func quotaExceeded(_ description: String) -> StoreError { StoreError(.quotaExceeded, description) }
}
