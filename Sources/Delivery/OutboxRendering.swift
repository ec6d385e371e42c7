import Alerting
import Foundation
import Store

/// An outbox row as the HTTP request its channel sends (pure): the subject rendered by
/// `Notifications`, links made absolute, and the idempotency key in `Idempotency-Key` and
/// `Request-ID` (the header Sentry's integration platform names each delivery by).
enum OutboxRendering {
    enum Failure: Error, Equatable { case unusable(String) }

    static func request(_ message: OutboxRepository.Message, baseURL: String, app: IntegrationRepository.SentryApp?,
                        now: Date) throws(Failure) -> HTTPNotification {
        guard var subject = AlertSubject(json: message.subject) else { throw .unusable("the stored subject does not decode") }
        if subject.issueURL.hasPrefix("/") { subject.issueURL = baseURL + subject.issueURL }
        var request: HTTPNotification
        switch message.channel {
        case "webhooks":
            request = Notifications.webhook(subject, url: message.target)
        case "chat":
            request = Notifications.chat(subject, url: message.target, format: ChatFormat(rawValue: message.format) ?? .slack)
        case "sentry_app":
            guard let app else { throw .unusable("the integration \(message.target) no longer exists") }
            request = Notifications.sentryApp(subject, url: app.webhookURL, installationUUID: app.installationUUID,
                                              secret: app.clientSecret, now: now)
        case "sentry_app_issue":
            guard let app else { throw .unusable("the integration \(message.target) no longer exists") }
            request = Notifications.sentryAppIssue(subject, action: message.format, url: app.webhookURL,
                                                   installationUUID: app.installationUUID, secret: app.clientSecret, now: now)
        default:
            throw .unusable("unknown channel \(message.channel)")
        }
        guard WebhookURL.isAcceptable(request.url) else { throw .unusable("not an http(s) URL") }
        request.headers["Idempotency-Key"] = message.idempotencyKey
        request.headers["Request-ID"] = message.idempotencyKey
        return request
    }
}
