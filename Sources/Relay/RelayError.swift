import Hummingbird
import Web

/// The one error type of the Relay: an HTTP status and the `detail` Sentry's relay would send.
public struct RelayError: Error, CustomStringConvertible, Sendable {
    public let status: HTTPResponse.Status
    public let detail: String
    public let retryAfter: Int?
    /// `X-Sentry-Rate-Limits`, on 429 answers.
    public var rateLimits: String?

    public init(_ status: HTTPResponse.Status, _ detail: String, retryAfter: Int? = nil, rateLimits: String? = nil) {
        self.status = status
        self.detail = detail
        self.retryAfter = retryAfter
        self.rateLimits = rateLimits
    }

    public var description: String { "\(status.code) \(detail)" }

    public var response: Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let rateLimits { headers[.xSentryRateLimits] = rateLimits }
        return JSONResponse.error(status, detail, headers: headers)
    }

    static let missingAuth = RelayError(.unauthorized, "missing authorization information")
    /// Unknown key, disabled key and a key of another project all read like this in Sentry's relay.
    static let projectID = RelayError(.forbidden, "event submission rejected with_reason: ProjectId")
    static let emptyBody = RelayError(.badRequest, "empty request body")
    /// A public key that cannot be one (Sentry's keys are 32 hex digits), refused before any lookup.
    static let badPublicKey = RelayError(.unauthorized, "bad sentry DSN public key")
    /// More bytes in flight than the relay's budget: the SDK retries after the pause.
    static let overloaded = RelayError(.serviceUnavailable, "the service is overloaded", retryAfter: 1)
    static func rateLimited(retryAfter: Int) -> RelayError {
        RelayError(.tooManyRequests, "Sentry dropped data due to a quota or internal rate limit being reached. This will not affect your application. See https://docs.sentry.io/product/accounts/quotas/ for more information.", retryAfter: retryAfter)
    }
}
