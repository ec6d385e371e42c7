import Foundation
import Hummingbird
import NIOCore

/// Responses with a JSON body. Sentry's clients read errors from `{"detail": "…"}`.
public enum JSONResponse {
    public static func make(_ status: HTTPResponse.Status, bytes: [UInt8], headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        // Event data is stored as sent (HTML and script included): browsers must read it as JSON only.
        fields[.xContentTypeOptions] = "nosniff"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    public static func make<T: Encodable>(_ status: HTTPResponse.Status, _ value: T, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let bytes = (try? encoder.encode(value)).map(Array.init) ?? Array("{}".utf8)
        return make(status, bytes: bytes, headers: headers)
    }

    public static func error(_ status: HTTPResponse.Status, _ detail: String, headers: HTTPFields = [:]) -> Response {
        make(status, ["detail": detail], headers: headers)
    }
}
