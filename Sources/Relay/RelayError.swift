import Hummingbird
import Web

/// The one error type of the Relay: an HTTP status and the `detail` Sentry's relay would send.
public struct RelayError: Error, CustomStringConvertible, Sendable {
    public let status: HTTPResponse.Status
    public let detail: String
    public let retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ detail: String, retryAfter: Int? = nil) {
        self.status = status
        self.detail = detail
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status.code) \(detail)" }

    public var response: Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return JSONResponse.error(status, detail, headers: headers)
    }

    static let missingAuth = RelayError(.unauthorized, "missing authorization information")
    static func unknownKey(_ key: String) -> RelayError { RelayError(.forbidden, "invalid api key: unknown public key") }
    static let disabledKey = RelayError(.forbidden, "event submission rejected with_reason: DisabledKey")
    static let wrongProject = RelayError(.forbidden, "event submission rejected with_reason: ProjectId")
}
