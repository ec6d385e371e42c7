import EventModel

/// Browser security reports, as Sentry's relay reads them: CSP violations (`{"csp-report": {…}}`
/// or the Reporting API's `[{"type": "csp-violation", "body": {…}}]`), HPKP pin failures,
/// Expect-CT and Expect-Staple reports. A report becomes an event titled as Sentry titles them
/// (`Blocked 'script' from 'evil.example'`), carrying the report under its interface name
/// (`csp`, `hpkp`, `expectct`, `expectstaple`).
enum SecurityReport {
    enum Kind: String, CaseIterable {
        case csp, hpkp, expectCT = "expectct", expectStaple = "expectstaple"
    }

    /// The outcome reason of a `security` or `raw_security` item that is no security report.
    static let invalidReason = "security_report"

    /// The interface members one of which a `security` event must carry.
    static let interfaces = Set(Kind.allCases.map(\.rawValue))

    static func event(_ payload: [UInt8], eventID: String, release: String?, environment: String?) throws(RelayError) -> JSON {
        guard let report = try? JSON.parse(payload) else {
            throw RelayError(.badRequest, "invalid JSON data: security report is not JSON")
        }
        guard let (kind, body) = classify(report) else {
            throw RelayError(.badRequest, "invalid security report: not a CSP, HPKP, Expect-CT or Expect-Staple report")
        }
        var event: [String: JSON] = [
            "event_id": .string(eventID), "logger": "csp", "level": "error", "platform": "other",
            kind.rawValue: body,
        ]
        func field(_ names: String...) -> String? { names.lazy.compactMap { body[$0]?.string }.first }
        switch kind {
        case .csp:
            let directive = field("effective-directive", "effectiveDirective", "violated-directive")?
                .split(separator: " ").first.map(String.init) ?? "unknown"
            let blocked = field("blocked-uri", "blockedURL") ?? "self"
            let kindName = directive.replacingOccurrences(of: "-src", with: "").replacingOccurrences(of: "-elem", with: "")
            event["message"] = .string("Blocked '\(kindName)' from '\(host(blocked))'")
            event["tags"] = ["effective-directive": .string(directive), "blocked-uri": .string(blocked)]
            if let document = field("document-uri", "documentURL") { event["request"] = ["url": .string(document)] }
        case .hpkp:
            event["logger"] = "hpkp"
            event["message"] = .string("Public key pinning validation failed for '\(field("hostname") ?? "unknown")'")
        case .expectCT:
            event["logger"] = "expect-ct"
            event["message"] = .string("Expect-CT failed for '\(field("hostname") ?? "unknown")'")
        case .expectStaple:
            event["logger"] = "expect-staple"
            event["message"] = .string("Expect-Staple failed for '\(field("hostname") ?? "unknown")'")
        }
        if let release { event["release"] = .string(release) }
        if let environment { event["environment"] = .string(environment) }
        return .object(event)
    }

    /// Which report a raw body is, and its report object; nil when it is none of them.
    static func classify(_ report: JSON) -> (Kind, JSON)? {
        if let body = report["csp-report"], body.object != nil { return (.csp, body) }
        if let body = report["expect-ct-report"], body.object != nil { return (.expectCT, body) }
        if let body = report["expect-staple-report"], body.object != nil { return (.expectStaple, body) }
        if let first = report.array?.first, first["type"]?.string == "csp-violation", let body = first["body"], body.object != nil {
            return (.csp, body)
        }
        // HPKP reports are flat: the pins and the host they failed for.
        if report["known-pins"]?.array != nil, report["hostname"]?.string != nil { return (.hpkp, report) }
        return nil
    }

    /// True when an event (a `security` item's payload) carries a security report interface:
    /// the only events the relay lets through as `security`.
    static func isSecurityEvent(_ event: JSONObjectIndex) -> Bool {
        interfaces.contains { event[$0]?.object != nil }
    }

    static func host(_ uri: String) -> String {
        guard let scheme = uri.range(of: "://") else { return uri }
        return String(uri[scheme.upperBound...].split(separator: "/").first ?? "")
    }
}
