import EventModel

/// Finds the DSN key of an ingest request in its possible places, as Sentry's relay does:
/// `X-Sentry-Auth`, `Authorization: Sentry …`, `?sentry_key=`, and the envelope header's `dsn`.
enum AuthExtractor {
    static func extract(sentryAuthHeader: String?, authorizationHeader: String?, query: [String: String],
                        envelopeDSN: String?) throws(RelayError) -> SentryAuth {
        var found: [SentryAuth] = []
        if let header = sentryAuthHeader {
            guard let auth = SentryAuth.parseHeader(header) else {
                throw RelayError(.unauthorized, "bad x-sentry-auth header")
            }
            found.append(auth)
        }
        if let header = authorizationHeader, let auth = SentryAuth.parseHeader(header) {
            found.append(auth)
        }
        if let auth = SentryAuth.from(query) { found.append(auth) }
        if let text = envelopeDSN {
            guard let dsn = DSN(text) else { throw RelayError(.unauthorized, "bad envelope authentication header") }
            found.append(SentryAuth(publicKey: dsn.publicKey))
        }
        guard var auth = found.first else { throw RelayError.missingAuth }
        if found.contains(where: { $0.publicKey != auth.publicKey }) {
            throw RelayError(.unauthorized, "multiple authorization payloads detected")
        }
        auth.client = auth.client ?? found.lazy.compactMap(\.client).first
        auth.version = auth.version ?? found.lazy.compactMap(\.version).first
        return auth
    }

    /// True when the request names (or tries to name) its key outside the body: then an
    /// envelope's own header need not be read before authentication.
    static func hasDirectCredentials(sentryAuthHeader: String?, authorizationHeader: String?, query: [String: String]) -> Bool {
        sentryAuthHeader != nil || authorizationHeader.flatMap(SentryAuth.parseHeader) != nil || SentryAuth.from(query) != nil
    }

    /// Sentry's public keys are 32 hexadecimal digits. Any other shape cannot name a key, so it is
    /// refused before a lookup; case is left as sent (keys are compared exactly, as Sentry's relay does).
    static func isWellFormedKey(_ key: String) -> Bool {
        key.utf8.count == 32 && key.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
