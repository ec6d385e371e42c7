import AsyncHTTPClient
import EventModel
import Foundation
import NIOCore

/// Reads a Sentry web API (`/api/0/…`) with a bearer token: one object, or a whole list by
/// following `Link` cursors. The source is untrusted: every answer is bounded in size, time and
/// count, redirects are not followed and a next link leaving the source's origin is refused (so
/// the token is sent to the source only).
public final class SentryAPIClient: Sendable {
    public struct Limits: Sendable {
        /// Largest body read of one response.
        public var maxResponseBytes = 8 << 20
        /// Pages followed of one list, and items kept of it.
        public var maxPages = 500
        public var maxItems = 50_000
        /// Per request, connecting included.
        public var timeout: TimeAmount = .seconds(30)

        public init() {}
    }

    let base: String
    let token: String
    let limits: Limits
    let http: HTTPClient

    /// `base`: the source's address (`https://sentry.example.com`), without `/api/0`.
    public init(base: String, token: String, limits: Limits = Limits()) throws(ImportError) {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil, url.query == nil, url.fragment == nil, url.user == nil else {
            throw ImportError("--from must be an http(s) address without query or credentials, e.g. https://sentry.example.com")
        }
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { throw ImportError("the token must be printable ASCII") }
        self.base = base
        self.token = token
        self.limits = limits
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                     timeout: .init(connect: .seconds(10), read: limits.timeout))
        configuration.decompression = .disabled
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// A path below `/api/0/`, each segment percent-encoded.
    public func url(_ segments: [String]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        let path = segments.map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }.joined(separator: "/")
        return "\(base)/api/0/\(path)/"
    }

    public enum Answer: Sendable {
        case ok(JSON, next: String?)
        /// A status the caller may treat as "not readable" (403, 404).
        case refused(UInt)
    }

    public func get(_ url: String) async throws(ImportError) -> Answer {
        guard url.hasPrefix(base + "/api/0/") else { throw ImportError("the source pointed to \(url.prefix(200)), outside \(base)") }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "faultline-import/1")
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: limits.timeout)
            bytes = try await response.body.collect(upTo: limits.maxResponseBytes)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw ImportError("GET \(Self.path(url)): the answer is larger than \(limits.maxResponseBytes) bytes")
        } catch {
            throw ImportError("GET \(Self.path(url)): \(error)")
        }
        let status = response.status.code
        if status == 403 || status == 404 { return .refused(status) }
        if status == 401 { throw ImportError("the source refused the token (401): check --token") }
        guard status == 200 else { throw ImportError("GET \(Self.path(url)): the source answered \(status)") }
        let json: JSON
        do { json = try JSON.parse(Array(bytes.readableBytesView)) } catch {
            throw ImportError("GET \(Self.path(url)): the answer is not JSON (\(error))")
        }
        return .ok(json, next: LinkHeader.next(response.headers.first(name: "link")))
    }

    /// One object; nil when the source refuses (403/404).
    public func object(_ segments: [String]) async throws(ImportError) -> JSON? {
        switch try await get(url(segments)) {
        case .ok(let json, _): return json
        case .refused: return nil
        }
    }

    /// Every item of a list, following `Link` cursors; nil when the source refuses (403/404).
    public func list(_ segments: [String]) async throws(ImportError) -> [JSON]? {
        var items: [JSON] = []
        var next: String? = url(segments)
        var pages = 0
        while let page = next {
            pages += 1
            guard pages <= limits.maxPages else { throw ImportError("\(Self.path(page)): more than \(limits.maxPages) pages") }
            switch try await get(page) {
            case .refused: if pages == 1 { return nil } else { throw ImportError("\(Self.path(page)): a later page was refused") }
            case .ok(let json, let link):
                guard let list = json.array else { throw ImportError("\(Self.path(page)): the answer is not a list") }
                items += list
                guard items.count <= limits.maxItems else { throw ImportError("\(Self.path(page)): more than \(limits.maxItems) items") }
                // An empty page ends the list even if the link says otherwise (no endless cursor loops).
                next = list.isEmpty ? nil : link
            }
        }
        return items
    }

    static func path(_ url: String) -> String {
        guard let range = url.range(of: "/api/0/") else { return String(url.prefix(200)) }
        return String(url[range.lowerBound...].prefix(200))
    }
}
