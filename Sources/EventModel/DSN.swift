/// A Sentry DSN: `{scheme}://{public_key}@{host}[:{port}]/{project_id}`.
public struct DSN: Sendable, Equatable, CustomStringConvertible {
    public let scheme: String
    public let publicKey: String
    public let host: String
    public let port: Int?
    public let projectID: Int64

    public init(scheme: String, publicKey: String, host: String, port: Int?, projectID: Int64) {
        self.scheme = scheme
        self.publicKey = publicKey
        self.host = host
        self.port = port
        self.projectID = projectID
    }

    /// The DSN of a key for a project served at `baseURL` (`http://host:port`).
    public init?(baseURL: String, publicKey: String, projectID: Int64) {
        guard let separator = baseURL.range(of: "://") else { return nil }
        let scheme = String(baseURL[..<separator.lowerBound])
        let authority = baseURL[separator.upperBound...].split(separator: "/").first.map(String.init) ?? ""
        let (host, port) = Self.splitHostPort(authority)
        self.init(scheme: scheme, publicKey: publicKey, host: host, port: port, projectID: projectID)
    }

    public init?(_ text: String) {
        guard let separator = text.range(of: "://") else { return nil }
        let scheme = String(text[..<separator.lowerBound])
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[separator.upperBound...]
        guard let at = rest.firstIndex(of: "@") else { return nil }
        let userInfo = rest[..<at]
        let publicKey = String(userInfo.split(separator: ":", maxSplits: 1).first ?? "")
        guard !publicKey.isEmpty else { return nil }
        let location = rest[rest.index(after: at)...]
        guard let slash = location.firstIndex(of: "/") else { return nil }
        let (host, port) = Self.splitHostPort(String(location[..<slash]))
        guard !host.isEmpty else { return nil }
        let path = location[location.index(after: slash)...].split(separator: "/")
        guard let last = path.last, let projectID = Int64(last) else { return nil }
        self.init(scheme: scheme, publicKey: publicKey, host: host, port: port, projectID: projectID)
    }

    public var description: String {
        "\(scheme)://\(publicKey)@\(host)\(port.map { ":\($0)" } ?? "")/\(projectID)"
    }

    private static func splitHostPort(_ authority: String) -> (String, Int?) {
        if let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) {
            return (String(authority[..<colon]), port)
        }
        return (authority, nil)
    }
}
