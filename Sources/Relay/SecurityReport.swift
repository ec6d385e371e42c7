import EventModel

/// Turns a browser's CSP violation report (`{"csp-report": {…}}` or the Reporting API's
/// `[{"type": "csp-violation", "body": {…}}]`) into an event, titled as Sentry titles them:
/// `Blocked 'script' from 'evil.example'`.
enum SecurityReport {
    static func event(_ payload: [UInt8], eventID: String, release: String?, environment: String?) throws(RelayError) -> JSON {
        guard let report = try? JSON.parse(payload) else {
            throw RelayError(.badRequest, "invalid JSON data: security report is not JSON")
        }
        let body: JSON
        if let legacy = report["csp-report"] {
            body = legacy
        } else if let first = report.array?.first, let inner = first["body"] {
            body = inner
        } else {
            throw RelayError(.badRequest, "invalid security report: no csp-report")
        }
        func field(_ names: String...) -> String? { names.lazy.compactMap { body[$0]?.string }.first }
        let directive = field("effective-directive", "effectiveDirective", "violated-directive")?
            .split(separator: " ").first.map(String.init) ?? "unknown"
        let blocked = field("blocked-uri", "blockedURL") ?? "self"
        let document = field("document-uri", "documentURL")
        let kind = directive.replacingOccurrences(of: "-src", with: "").replacingOccurrences(of: "-elem", with: "")
        var event: [String: JSON] = [
            "event_id": .string(eventID),
            "logger": "csp",
            "level": "error",
            "platform": "other",
            "message": .string("Blocked '\(kind)' from '\(host(blocked))'"),
            "csp": body,
            "tags": ["effective-directive": .string(directive), "blocked-uri": .string(blocked)],
        ]
        if let document { event["request"] = ["url": .string(document)] }
        if let release { event["release"] = .string(release) }
        if let environment { event["environment"] = .string(environment) }
        return .object(event)
    }

    static func host(_ uri: String) -> String {
        guard let scheme = uri.range(of: "://") else { return uri }
        return String(uri[scheme.upperBound...].split(separator: "/").first ?? "")
    }
}
