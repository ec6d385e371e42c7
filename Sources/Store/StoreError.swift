/// The one error type of the Store layer (besides PGError from the driver itself).
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
