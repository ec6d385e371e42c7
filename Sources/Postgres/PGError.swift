/// The one error type of the Postgres layer.
public struct PGError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        case connection
        case query
        case decode
    }

    public let kind: Kind
    public let message: String
    /// The five-character SQLSTATE of a failed statement (`23505` unique violation, `40P01` deadlock…).
    public let sqlState: String?

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String {
        if let sqlState { return "postgres \(kind) [\(sqlState)]: \(message)" }
        return "postgres \(kind): \(message)"
    }

    /// Errors after which the same work may succeed when tried again: lost connection,
    /// serialization failure, deadlock, server shutting down, resources exhausted (disk full,
    /// out of memory), read-only after a failover, statement or lock timeout.
    public var isTransient: Bool {
        if kind == .connection { return true }
        guard let state = sqlState else { return false }
        return state == "40001" || state == "40P01" || state.hasPrefix("08") || state.hasPrefix("57P")
            || state.hasPrefix("53") || state == "57014" || state == "55P03" || state == "25006"
    }
}
