/// The fields of an `X-Sentry-Auth` / `Authorization: Sentry …` header or of `?sentry_key=` query
/// parameters.
public struct SentryAuth: Sendable, Equatable {
    public var publicKey: String
    public var version: String?
    public var client: String?

    public init(publicKey: String, version: String? = nil, client: String? = nil) {
        self.publicKey = publicKey
        self.version = version
        self.client = client
    }

    /// Parses `Sentry sentry_key=…, sentry_version=7, sentry_client=…`. Returns nil when the
    /// header is not a Sentry auth header or names no key.
    public static func parseHeader(_ header: String) -> SentryAuth? {
        var text = Substring(header).drop(while: { $0 == " " })
        guard text.lowercased().hasPrefix("sentry ") || text.lowercased().hasPrefix("sentry_") else { return nil }
        if text.lowercased().hasPrefix("sentry ") { text = text.dropFirst(7) }
        var fields: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            fields[parts[0].trimmingSpaces.lowercased()] = parts[1].trimmingSpaces
        }
        return from(fields)
    }

    /// Reads `sentry_key`, `sentry_version`, `sentry_client` from query parameters.
    public static func from(_ fields: [String: String]) -> SentryAuth? {
        guard let key = fields["sentry_key"], !key.isEmpty else { return nil }
        return SentryAuth(publicKey: key, version: fields["sentry_version"], client: fields["sentry_client"])
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
