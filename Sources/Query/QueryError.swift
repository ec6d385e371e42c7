import Hummingbird
import Web

/// The one error type of the Query API, with Sentry's status codes and `detail` texts.
public struct QueryError: Error, CustomStringConvertible, Sendable, HTTPResponseError {
    public let status: HTTPResponse.Status
    public let detail: String

    public init(_ status: HTTPResponse.Status, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    public var description: String { "\(status.code) \(detail)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.error(status, detail)
    }

    static let notAuthenticated = QueryError(.unauthorized, "Authentication credentials were not provided.")
    static let invalidToken = QueryError(.unauthorized, "Invalid token")
    static let forbidden = QueryError(.forbidden, "You do not have permission to perform this action.")
    static let notFound = QueryError(.notFound, "The requested resource does not exist")
}
