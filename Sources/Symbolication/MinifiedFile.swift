import Foundation

/// What symbolication needs of a minified file: its trailing comments, and the source map
/// when it is inline (`sourceMappingURL=data:application/json;base64,…`), parsed once.
public struct MinifiedFile: Sendable {
    public var sourceMappingURL: String?
    public var debugID: String?
    public var inlineMap: Result<SourceMap, SourceMapError>?

    public init(_ bytes: [UInt8]) {
        debugID = SourceComments.debugID(bytes)
        let url = SourceComments.sourceMappingURL(bytes)
        if let url, url.hasPrefix("data:") {
            inlineMap = Self.decodeInline(url)
        } else {
            sourceMappingURL = url
        }
    }

    static func decodeInline(_ url: String) -> Result<SourceMap, SourceMapError> {
        guard let comma = url.firstIndex(of: ",") else { return .failure(SourceMapError(reason: "data URL without data")) }
        let header = url[..<comma]
        let payload = url[url.index(after: comma)...]
        let bytes: [UInt8]
        if header.hasSuffix(";base64") {
            guard let data = Data(base64Encoded: String(payload)) else { return .failure(SourceMapError(reason: "bad base64 in data URL")) }
            bytes = Array(data)
        } else {
            bytes = Array((payload.removingPercentEncoding ?? String(payload)).utf8)
        }
        return Result { () throws(SourceMapError) in try SourceMapParser.parse(bytes) }
    }

    public var approximateBytes: Int {
        let map: Int
        if case .success(let parsed)? = inlineMap { map = parsed.approximateBytes } else { map = 0 }
        return 64 + (sourceMappingURL?.utf8.count ?? 0) + (debugID?.utf8.count ?? 0) + map
    }
}
