import EventModel
import Hummingbird

/// JSON request bodies of the API, read up to a small limit and parsed with the pipeline's parser.
enum RequestBody {
    static let limit = 1024 * 1024

    static func object(_ request: Request) async throws -> [String: JSON] {
        let buffer = try await request.body.collect(upTo: limit)
        let bytes = Array(buffer.readableBytesView)
        if bytes.isEmpty { return [:] }
        guard case .object(let members)? = try? JSON.parse(bytes) else {
            throw QueryError(.badRequest, "Request body must be a JSON object.")
        }
        return members
    }
}
