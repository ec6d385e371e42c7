/// Why a body is not a valid envelope; the description is sent to the client.
public enum EnvelopeError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case invalidHeader(String)
    case invalidItemHeader(index: Int, reason: String)
    case missingItemType(index: Int)
    case invalidLength(index: Int)
    case truncatedPayload(index: Int, declared: Int, available: Int)
    case missingNewline(index: Int)
    /// More items than the relay takes in one envelope (`EnvelopeParser.defaultMaxItems`).
    case tooManyItems(limit: Int)

    public var description: String {
        switch self {
        case .empty: return "invalid envelope: empty body"
        case .invalidHeader(let reason): return "invalid envelope: envelope header is not a JSON object (\(reason))"
        case .invalidItemHeader(let index, let reason): return "invalid envelope: item \(index) header is not a JSON object (\(reason))"
        case .missingItemType(let index): return "invalid envelope: item \(index) has no type"
        case .invalidLength(let index): return "invalid envelope: item \(index) length is not a non-negative integer"
        case .truncatedPayload(let index, let declared, let available):
            return "invalid envelope: item \(index) declares length \(declared) but only \(available) bytes follow"
        case .missingNewline(let index): return "invalid envelope: item \(index) payload is not followed by a newline"
        case .tooManyItems(let limit): return "envelope exceeded size limits (more than \(limit) items)"
        }
    }
}
