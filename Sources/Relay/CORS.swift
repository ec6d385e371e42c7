import Hummingbird
import HTTPTypes

/// The CORS headers Sentry's relay sends on ingest routes, so browser SDKs may post from any origin.
enum CORS {
    static let allowHeaders = "x-sentry-auth, x-requested-with, x-forwarded-for, origin, referer, accept, content-type, authentication, authorization, content-encoding, transfer-encoding"
    static let exposeHeaders = "x-sentry-error, x-sentry-rate-limits, retry-after"

    static func preflight(_ request: Request) -> Response {
        var headers: HTTPFields = [:]
        headers[.accessControlAllowOrigin] = "*"
        headers[.accessControlAllowMethods] = "POST"
        headers[.accessControlAllowHeaders] = allowHeaders
        headers[.accessControlMaxAge] = "3600"
        headers[.vary] = "origin, access-control-request-method, access-control-request-headers"
        return Response(status: .ok, headers: headers)
    }

    static func decorate(_ response: inout Response, request: Request) {
        response.headers[.accessControlAllowOrigin] = "*"
        response.headers[.accessControlExposeHeaders] = exposeHeaders
    }
}
