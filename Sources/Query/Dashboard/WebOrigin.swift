/// A web origin — scheme, host and port — compared exactly, as browsers compare them (pure).
/// The dashboard accepts a form only when it was posted from its own origin.
struct WebOrigin: Equatable, Sendable {
    let scheme: String
    let host: String
    let port: Int

    /// `scheme://host[:port]`, ignoring a path, query or fragment after it (as in `Referer`).
    /// Only http and https; nil for anything else, including `null` (an opaque origin) and URLs
    /// with user info.
    init?(url text: String) {
        guard let separator = text.range(of: "://") else { return nil }
        let rest = text[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        self.init(scheme: String(text[..<separator.lowerBound]), authority: String(authority))
    }

    /// The origin of a request addressed to `authority` (`Host`: `host[:port]`, `[v6]:port`).
    init?(scheme: String, authority: String) {
        let scheme = scheme.lowercased()
        let defaultPort: Int
        switch scheme {
        case "http": defaultPort = 80
        case "https": defaultPort = 443
        default: return nil
        }
        guard !authority.contains("@") else { return nil }
        let host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = Substring(authority)
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else { return nil }
        var port = defaultPort
        if let portText {
            // At most 5 digits, so the conversion cannot overflow; an empty port is the default.
            if !portText.isEmpty {
                guard portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                      let value = Int(portText), (1...65_535).contains(value) else { return nil }
                port = value
            }
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }

    /// Whether a state-changing request was sent from one of `allowed`: its `Origin` header when
    /// there is exactly one, else its `Referer`. Neither (or an unreadable one) is refused:
    /// browsers send `Origin` with every form POST, so only non-browser clients lack it.
    static func allows(origins: [String], referers: [String], allowed: [WebOrigin]) -> Bool {
        let sender: WebOrigin?
        switch (origins.count, referers.count) {
        case (1, _): sender = WebOrigin(url: origins[0])
        case (0, 1): sender = WebOrigin(url: referers[0])
        default: sender = nil
        }
        guard let sender else { return false }
        return allowed.contains(sender)
    }
}
