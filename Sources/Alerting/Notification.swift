import Crypto
import EventModel
import Foundation

/// One HTTP request to send: what a channel makes of a subject. Stored in the outbox as it is,
/// so delivery needs nothing but the row.
public struct HTTPNotification: Sendable, Equatable {
    public var url: String
    public var headers: [String: String]
    public var body: [UInt8]

    public init(url: String, headers: [String: String], body: [UInt8]) {
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// The payloads of the HTTP channels (pure).
public enum Notifications {
    /// Sentry's WebHooks plugin: issue id, project, level, culprit, message, url, the rules that
    /// triggered and the event.
    public static func webhook(_ subject: AlertSubject, url: String) -> HTTPNotification {
        var event = subject.event.object ?? [:]
        event["id"] = .string(subject.eventID)
        event["event_id"] = .string(subject.eventID)
        let body: JSON = [
            "id": .string(String(subject.issueID)),
            "project": .string(subject.projectSlug),
            "project_name": .string(subject.projectName),
            "project_slug": .string(subject.projectSlug),
            "logger": subject.event["logger"] ?? .null,
            "level": .string(subject.level),
            "culprit": .string(subject.culprit),
            "message": .string(subject.title),
            "url": .string(subject.issueURL + "?referrer=webhooks_plugin"),
            "triggering_rules": [.string(subject.ruleName)],
            "event": .object(event),
        ]
        return HTTPNotification(url: url, headers: ["Content-Type": "application/json", "User-Agent": "faultline-webhooks"], body: body.encoded())
    }

    /// Sentry's integration-platform webhook of an alert rule (`event_alert.triggered`), signed
    /// with the integration's client secret as Sentry signs: HMAC-SHA256 of the body, hex.
    public static func sentryApp(_ subject: AlertSubject, url: String, installationUUID: String, secret: String,
                                 now: Date) -> HTTPNotification {
        var event = subject.event.object ?? [:]
        event["event_id"] = .string(subject.eventID)
        event["issue_id"] = .string(String(subject.issueID))
        event["url"] = .string(subject.issueURL + "events/\(subject.eventID)/")
        event["web_url"] = .string(subject.issueURL + "events/\(subject.eventID)/")
        event["issue_url"] = .string(subject.issueURL)
        let body: JSON = [
            "action": "triggered",
            "installation": ["uuid": .string(installationUUID)],
            "data": ["event": .object(event), "triggered_rule": .string(subject.ruleName)],
            "actor": ["type": "application", "id": "sentry", "name": "Sentry"],
        ]
        let bytes = body.encoded()
        return HTTPNotification(url: url, headers: [
            "Content-Type": "application/json",
            "Sentry-Hook-Resource": "event_alert",
            "Sentry-Hook-Timestamp": String(Int64(now.timeIntervalSince1970)),
            "Sentry-Hook-Signature": signature(bytes, secret: secret),
        ], body: bytes)
    }

    /// Sentry's integration-platform issue webhook (`issue.created`, `issue.resolved`, …): the
    /// issue as Sentry serializes it, signed as `sentryApp`.
    public static func sentryAppIssue(_ subject: AlertSubject, action: String, url: String, installationUUID: String, secret: String,
                                      now: Date) -> HTTPNotification {
        let issue: JSON = [
            "id": .string(String(subject.issueID)), "shortId": .string(subject.shortID), "title": .string(subject.title),
            "culprit": .string(subject.culprit), "level": .string(subject.level), "status": .string(subject.status),
            "count": .string(String(subject.timesSeen)), "userCount": .int(subject.userCount),
            "firstSeen": .string(Timestamp.format(subject.firstSeen)), "lastSeen": .string(Timestamp.format(subject.lastSeen)),
            "project": ["slug": .string(subject.projectSlug), "name": .string(subject.projectName)],
            "web_url": .string(subject.issueURL), "url": .string(subject.issueURL),
        ]
        let body: JSON = [
            "action": .string(action), "installation": ["uuid": .string(installationUUID)], "data": ["issue": issue],
            "actor": ["type": "application", "id": "sentry", "name": "Sentry"],
        ]
        let bytes = body.encoded()
        return HTTPNotification(url: url, headers: [
            "Content-Type": "application/json",
            "Sentry-Hook-Resource": "issue",
            "Sentry-Hook-Timestamp": String(Int64(now.timeIntervalSince1970)),
            "Sentry-Hook-Signature": signature(bytes, secret: secret),
        ], body: bytes)
    }

    public static func signature(_ body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// A chat message: Slack's incoming-webhook `text` + `attachments` (Mattermost and
    /// Rocket.Chat take the same), or Discord's `content` + `embeds`.
    public static func chat(_ subject: AlertSubject, url: String, format: ChatFormat) -> HTTPNotification {
        let headline = "\(subject.shortID): \(subject.title)"
        let summary = "\(subject.reason) · \(subject.level) · \(subject.timesSeen) events · \(subject.userCount) users · \(subject.culprit)"
        let body: JSON
        switch format {
        case .slack:
            body = [
                "text": .string("[\(subject.projectSlug)] <\(subject.issueURL)|\(escapeSlack(headline))>"),
                "attachments": [[
                    "color": .string(subject.level == "fatal" || subject.level == "error" ? "#E03E2F" : "#F2B712"),
                    "title": .string(headline), "title_link": .string(subject.issueURL), "text": .string(summary),
                    "footer": .string("Faultline · \(subject.ruleName)"),
                ]],
            ]
        case .discord:
            body = [
                "content": .string("[\(subject.projectSlug)] \(headline)"),
                "embeds": [["title": .string(String(headline.prefix(256))), "url": .string(subject.issueURL),
                            "description": .string(String(summary.prefix(2_000))),
                            "footer": ["text": .string("Faultline · \(subject.ruleName)")]]],
            ]
        }
        return HTTPNotification(url: url, headers: ["Content-Type": "application/json"], body: body.encoded())
    }

    static func escapeSlack(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
