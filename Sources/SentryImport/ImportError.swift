/// Why an import stopped: the source answered something unusable (a status, a body too large,
/// a value of the wrong type or range), or could not be reached. The source is untrusted, so
/// every such answer ends here rather than in a trap.
public struct ImportError: Error, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
