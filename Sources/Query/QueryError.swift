import Hummingbird
import Store
import Web

/// The one error type of the Query API, with Sentry's status codes and `detail` texts. A
/// request body that fails validation answers, as Sentry's serializers do, with messages per
/// field instead: `{"version": ["This field is required."]}`.
public struct QueryError: Error, CustomStringConvertible, Sendable, HTTPResponseError {
    public let status: HTTPResponse.Status
    public let detail: String
    public let fields: [String: [String]]?

    public init(_ status: HTTPResponse.Status, _ detail: String) {
        self.status = status
        self.detail = detail
        fields = nil
    }

    /// 400 naming the body field that is wrong.
    public static func invalid(_ field: String, _ message: String) -> QueryError {
        QueryError(field: field, message: message)
    }

    private init(field: String, message: String) {
        status = .badRequest
        detail = "\(field): \(message)"
        fields = [field: [message]]
    }

    public var description: String { "\(status.code) \(detail)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        if let fields { return JSONResponse.make(status, fields) }
        return JSONResponse.error(status, detail)
    }

    static let notAuthenticated = QueryError(.unauthorized, "Authentication credentials were not provided.")
    static let invalidToken = QueryError(.unauthorized, "Invalid token")
    static let forbidden = QueryError(.forbidden, "You do not have permission to perform this action.")
    static let notFound = QueryError(.notFound, "The requested resource does not exist")

    /// The one mapping from the store's error kinds to statuses.
    init(_ error: StoreError) {
        switch error.kind {
        case .notFound: self = .notFound
        case .conflict: self.init(.conflict, error.description)
        case .invalid: self.init(.badRequest, error.description)
        case .inconsistent: self.init(.internalServerError, "Internal Error")
        case .quotaExceeded: self.init(.contentTooLarge, error.description)
        }
    }
}

/// A store error a route lets through answers as its `QueryError`.
extension StoreError: HTTPResponseError {
    public var status: HTTPResponse.Status { QueryError(self).status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try QueryError(self).response(from: request, context: context)
    }
}
