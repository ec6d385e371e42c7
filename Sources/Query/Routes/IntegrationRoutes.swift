import Alerting
import Crypto
import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// Where notifications go: Sentry's per-project WebHooks plugin
/// (`/api/0/projects/{org}/{project}/plugins/webhooks/`, `urls` one per line), internal
/// integrations (`POST /api/0/sentry-apps/`, installed on creation), and Faultline's own list of
/// a project's notifications with their delivery state (dead ones can be retried).
struct IntegrationRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("projects/:org/:project/plugins/webhooks") { _, context in try await plugin(context) }
        group.put("projects/:org/:project/plugins/webhooks") { request, context in try await configure(request, context) }
        group.post("projects/:org/:project/plugins/webhooks") { _, context in try await enable(context, true) }
        group.delete("projects/:org/:project/plugins/webhooks") { _, context in try await enable(context, false) }
        group.post("sentry-apps") { request, context in try await createApp(request, context) }
        group.get("organizations/:org/sentry-apps") { _, context in try await apps(context, installations: false) }
        group.get("organizations/:org/sentry-app-installations") { _, context in try await apps(context, installations: true) }
        group.get("projects/:org/:project/notifications") { request, context in try await notifications(request, context) }
        group.post("projects/:org/:project/notifications/:id/retry") { _, context in try await retry(context) }
    }

    private func project(_ grant: TokenGrant, _ context: FaultlineRequestContext, _ db: PGConnection) throws -> Project {
        try api.project(grant, organization: try context.parameters.require("org"), project: try context.parameters.require("project"), db)
    }

    private func plugin(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["project:read", "project:write", "project:admin"])
        let json = try await api.withConnection { [self] db -> JSON in
            let project = try project(grant, context, db)
            return Self.pluginJSON(try IntegrationRepository(db).plugin(projectID: project.id, name: "webhooks"))
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    /// Saves `urls`; a plugin configured for the first time is enabled with it.
    private func configure(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["project:write", "project:admin"])
        let body = try await RequestBody.object(request)
        let urls: [String]
        do { urls = try WebhookURL.lines(body["urls"]?.string ?? "") } catch { throw QueryError.invalid(error.field, error.message) }
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let json = try await api.withConnection { [self] db -> JSON in
            try db.transaction { tx in
                let project = try project(grant, context, tx)
                let plugins = IntegrationRepository(tx)
                let enabled = try plugins.plugin(projectID: project.id, name: "webhooks")?.enabled ?? true
                try plugins.setPlugin(projectID: project.id, name: "webhooks", enabled: enabled, config: ["urls": .array(urls.map(JSON.string))])
                try AuditLogRepository(tx).record(organizationID: project.organizationID, actor,
                                                  AuditEvent("project.edit", targetObject: project.id, data: ["plugin": "webhooks", "urls": .int(Int64(urls.count))]))
                return Self.pluginJSON(try plugins.plugin(projectID: project.id, name: "webhooks"))
            }
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func enable(_ context: FaultlineRequestContext, _ enabled: Bool) async throws -> Response {
        let grant = try context.require(anyOf: ["project:write", "project:admin"])
        try await api.withConnection { [self] db in
            let project = try project(grant, context, db)
            let plugins = IntegrationRepository(db)
            let config = try plugins.plugin(projectID: project.id, name: "webhooks")?.config ?? ["urls": []]
            try plugins.setPlugin(projectID: project.id, name: "webhooks", enabled: enabled, config: config)
        }
        return Response(status: enabled ? .created : .noContent)
    }

    static func pluginJSON(_ plugin: IntegrationRepository.Plugin?) -> JSON {
        let urls = (plugin?.config["urls"]?.array ?? []).compactMap(\.string)
        return [
            "id": "webhooks", "slug": "webhooks", "name": "WebHooks", "type": "notification", "enabled": .bool(plugin?.enabled ?? false),
            "isHidden": false, "canDisable": true,
            "config": [["name": "urls", "label": "Callback URLs", "type": "textarea", "required": false,
                        "value": .string(urls.joined(separator: "\n")), "help": "Enter callback URLs to POST new events to (one per line)."]],
        ]
    }

    /// Sentry's internal integration: `name`, `organization`, `webhookUrl`, `events`
    /// (`issue`, `error`, …), `isInternal`. The answer carries the client secret requests are signed with.
    private func createApp(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["org:write", "org:admin", "org:integrations"])
        let body = try await RequestBody.object(request)
        guard let name = body["name"]?.string?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.utf8.count <= 64 else {
            throw QueryError.invalid("name", "This field is required.")
        }
        guard let org = body["organization"]?.string else { throw QueryError.invalid("organization", "This field is required.") }
        guard let url = body["webhookUrl"]?.string, WebhookURL.isAcceptable(url) else { throw QueryError.invalid("webhookUrl", "Enter a valid URL.") }
        let known = ["issue", "error", "comment", "event_alert"]
        let events = (body["events"]?.array ?? []).compactMap(\.string)
        guard events.count <= known.count, events.allSatisfy(known.contains) else {
            throw QueryError.invalid("events", "Unknown event; expected \(known.joined(separator: ", ")).")
        }
        let slug = Self.slug(name)
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).map { String(format: "%02x", $0) }.joined() }
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let app = try await api.withConnection { [api] db in
            try db.transaction { tx -> IntegrationRepository.SentryApp in
                let organization = try api.organization(grant, slug: org, tx)
                guard let app = try IntegrationRepository(tx).createSentryApp(organizationID: organization.id, slug: slug, name: name,
                                                                              webhookURL: url, events: events, clientSecret: secret) else {
                    throw QueryError.invalid("name", "Name \(name) is already taken, please use another.")
                }
                try AuditLogRepository(tx).record(organizationID: organization.id, actor,
                                                  AuditEvent("sentry-app.add", targetObject: app.id, data: ["sentry_app": .string(slug)]))
                return app
            }
        }
        return JSONResponse.make(.created, bytes: Self.appJSON(app, organization: org, secret: true).encoded())
    }

    private func apps(_ context: FaultlineRequestContext, installations: Bool) async throws -> Response {
        let grant = try context.require(anyOf: ["org:read", "org:write", "org:admin", "org:integrations"])
        let org = try context.parameters.require("org")
        let json = try await api.withConnection { [api] db -> JSON in
            let organization = try api.organization(grant, slug: org, db)
            return .array(try IntegrationRepository(db).sentryApps(organizationID: organization.id).map { app in
                installations
                    ? ["uuid": .string(app.installationUUID), "status": "installed", "organization": ["slug": .string(org)],
                       "app": ["slug": .string(app.slug), "uuid": .string(app.installationUUID)]]
                    : Self.appJSON(app, organization: org, secret: false)
            })
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    static func appJSON(_ app: IntegrationRepository.SentryApp, organization: String, secret: Bool) -> JSON {
        [
            "slug": .string(app.slug), "name": .string(app.name), "uuid": .string(app.installationUUID), "status": "internal",
            "isInternal": true, "isAlertable": true, "webhookUrl": .string(app.webhookURL), "events": .array(app.events.map(JSON.string)),
            "owner": ["slug": .string(organization)], "clientSecret": secret ? .string(app.clientSecret) : "*********",
            "installation": ["uuid": .string(app.installationUUID)],
        ]
    }

    static func slug(_ name: String) -> String {
        let lowered = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let slug = String(lowered).split(separator: "-").joined(separator: "-")
        return String((slug.isEmpty ? "app" : slug).prefix(64))
    }

    /// The project's notifications, newest first (`?state=pending|sent|dead`).
    private func notifications(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: AlertRuleRoutes.readScopes)
        let state = request.uri.queryParameters["state"].map(String.init)
        if let state, !["pending", "sent", "dead"].contains(state) { throw QueryError.invalid("state", "Expected pending, sent or dead.") }
        let limit = APIContext.limit(request, default: 100, maximum: 1_000)
        let json = try await api.withConnection { [self] db -> JSON in
            let project = try project(grant, context, db)
            return .array(try OutboxRepository(db).recent(projectID: project.id, state: state, limit: limit).map { message in
                [
                    "id": .string(String(message.id)), "idempotencyKey": .string(message.idempotencyKey), "channel": .string(message.channel),
                    "target": .string(message.channel.hasPrefix("sentry_app") ? message.target : Self.redactedURL(message.target)),
                    "issueId": message.issueID.map { .string(String($0)) } ?? .null, "ruleId": message.ruleID.map { .string(String($0)) } ?? .null,
                    "state": .string(message.state), "attempts": .int(message.attempts), "lastError": message.lastError.map(JSON.string) ?? .null,
                    "nextAttempt": .string(Timestamp.format(message.nextAttemptAt)), "dateCreated": .string(Timestamp.format(message.createdAt)),
                    "dateSent": message.sentAt.map { .string(Timestamp.format($0)) } ?? .null,
                ]
            })
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    /// A webhook URL without its path and query, which often carry the receiver's secret (Slack, Discord).
    static func redactedURL(_ text: String) -> String {
        guard let url = URL(string: text), let scheme = url.scheme, let host = url.host else { return "" }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")/…"
    }

    private func retry(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: AlertRuleRoutes.writeScopes)
        guard let id = Int64(try context.parameters.require("id")) else { throw QueryError.notFound }
        try await api.withConnection { [self] db in
            let project = try project(grant, context, db)
            guard try OutboxRepository(db).retry(projectID: project.id, id: id) else { throw QueryError.notFound }
        }
        return Response(status: .accepted)
    }
}
