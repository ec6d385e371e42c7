import Alerting
import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// Sentry's issue alert rules API (`/api/0/projects/{org}/{project}/rules/`), with its
/// condition, filter and action ids and its permission: reading needs `alerts:read` or a
/// project scope, changing needs `alerts:write`, `project:write` or `project:admin`. Every change
/// is in the audit log (`rule.add`, `rule.edit`, `rule.remove`).
struct AlertRuleRoutes {
    let api: APIContext

    static let readScopes = ["alerts:read", "alerts:write", "project:read", "project:write", "project:admin"]
    static let writeScopes = ["alerts:write", "project:write", "project:admin"]

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("projects/:org/:project/rules") { _, context in try await list(context) }
        group.post("projects/:org/:project/rules") { request, context in try await create(request, context) }
        group.get("projects/:org/:project/rules/:rule") { _, context in try await get(context) }
        group.put("projects/:org/:project/rules/:rule") { request, context in try await update(request, context) }
        group.delete("projects/:org/:project/rules/:rule") { _, context in try await delete(context) }
        group.post("projects/:org/:project/rules/:rule/snooze") { request, context in try await snooze(request, context, on: true) }
        group.delete("projects/:org/:project/rules/:rule/snooze") { request, context in try await snooze(request, context, on: false) }
    }

    private func names(_ context: FaultlineRequestContext) throws -> (String, String) {
        (try context.parameters.require("org"), try context.parameters.require("project"))
    }

    private func ruleID(_ context: FaultlineRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("rule")) else { throw QueryError.notFound }
        return id
    }

    private func list(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.readScopes)
        let (org, slug) = try names(context)
        let json = try await api.withConnection { [api] db -> JSON in
            let project = try api.project(grant, organization: org, project: slug, db)
            return .array(try AlertRuleRepository(db).list(projectID: project.id).map { Self.json($0, project: project) })
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func get(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.readScopes)
        let (org, slug) = try names(context)
        let id = try ruleID(context)
        let json = try await api.withConnection { [api] db -> JSON in
            let project = try api.project(grant, organization: org, project: slug, db)
            guard let row = try AlertRuleRepository(db).rule(projectID: project.id, id: id) else { throw QueryError.notFound }
            return Self.json(row, project: project)
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func create(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.writeScopes)
        let (org, slug) = try names(context)
        let rule = try Self.decode(.object(try await RequestBody.object(request)), existing: nil)
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let json = try await api.withConnection { [api] db -> JSON in
            try db.transaction { tx in
                let project = try api.project(grant, organization: org, project: slug, tx)
                try Self.checkIntegrations(rule, organizationID: project.organizationID, tx)
                let row = try AlertRuleRepository(tx).create(projectID: project.id, name: rule.name, definition: RuleCodec.encode(rule),
                                                             createdBy: grant.userID)
                try AuditLogRepository(tx).record(organizationID: project.organizationID, actor,
                                                  AuditEvent("rule.add", targetObject: row.id, data: ["label": .string(rule.name), "project": .string(project.slug)]))
                return Self.json(row, project: project)
            }
        }
        return JSONResponse.make(.created, bytes: json.encoded())
    }

    private func update(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.writeScopes)
        let (org, slug) = try names(context)
        let id = try ruleID(context)
        let body = try await RequestBody.object(request)
        let status = try body["status"].map { value -> String in
            guard let text = value.string, ["active", "disabled"].contains(text) else { throw QueryError.invalid("status", "\"\(value.string ?? "")\" is not a valid choice.") }
            return text
        }
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let json = try await api.withConnection { [api] db -> JSON in
            try db.transaction { tx in
                let project = try api.project(grant, organization: org, project: slug, tx)
                let rules = AlertRuleRepository(tx)
                guard let row = try rules.rule(projectID: project.id, id: id) else { throw QueryError.notFound }
                // Sentry's PUT replaces the rule; fields left out keep their stored values.
                let rule = try Self.decode(.object(body), existing: try? RuleCodec.decode(row.definition))
                try Self.checkIntegrations(rule, organizationID: project.organizationID, tx)
                guard let updated = try rules.update(projectID: project.id, id: id, name: rule.name, definition: RuleCodec.encode(rule), status: status) else {
                    throw QueryError.notFound
                }
                try AuditLogRepository(tx).record(organizationID: project.organizationID, actor,
                                                  AuditEvent("rule.edit", targetObject: id, data: ["label": .string(rule.name), "project": .string(project.slug)]))
                return Self.json(updated, project: project)
            }
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func delete(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.writeScopes)
        let (org, slug) = try names(context)
        let id = try ruleID(context)
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        try await api.withConnection { [api] db in
            try db.transaction { tx in
                let project = try api.project(grant, organization: org, project: slug, tx)
                guard try AlertRuleRepository(tx).delete(projectID: project.id, id: id) else { throw QueryError.notFound }
                try AuditLogRepository(tx).record(organizationID: project.organizationID, actor,
                                                  AuditEvent("rule.remove", targetObject: id, data: ["project": .string(project.slug)]))
            }
        }
        return Response(status: .accepted)
    }

    /// Sentry's rule snooze: muted for everyone until `until` (an ISO date), or until unmuted.
    /// With `issue` (a Faultline extension): muted for that issue only.
    private func snooze(_ request: Request, _ context: FaultlineRequestContext, on: Bool) async throws -> Response {
        let grant = try context.require(anyOf: Self.writeScopes)
        let (org, slug) = try names(context)
        let id = try ruleID(context)
        let body = try await RequestBody.object(request)
        var chosen: Date? = on ? .distantFuture : nil
        if on, let text = body["until"]?.string {
            guard let date = Timestamp.parse(text) else { throw QueryError.invalid("until", "Enter a valid date.") }
            chosen = date
        }
        let until = chosen
        let issueID = body["issue"].flatMap { $0.int ?? $0.string.flatMap { Int64($0) } }
        try await api.withConnection { [api] db in
            try db.transaction { tx in
                let project = try api.project(grant, organization: org, project: slug, tx)
                let rules = AlertRuleRepository(tx)
                guard try rules.rule(projectID: project.id, id: id) != nil else { throw QueryError.notFound }
                if let issueID {
                    guard try IssueRepository(tx).alertRows(ids: [issueID])[issueID]?.projectID == project.id else { throw QueryError.notFound }
                    try rules.mute(projectID: project.id, ruleID: id, issueID: issueID, until: until)
                } else {
                    _ = try rules.snooze(projectID: project.id, id: id, until: until)
                }
            }
        }
        return Response(status: on ? .created : .noContent)
    }

    /// An integration action must name an installation of the rule's own organization: another
    /// organization's would receive this one's events signed with its own secret.
    private static func checkIntegrations(_ rule: IssueAlertRule, organizationID: Int64, _ db: PGConnection) throws {
        let installed = Set(try IntegrationRepository(db).sentryApps(organizationID: organizationID).map { $0.installationUUID.lowercased() })
        for case .sentryApp(let installation) in rule.actions where !installed.contains(installation.lowercased()) {
            throw QueryError.invalid("actions", "Unknown sentryAppInstallationUuid.")
        }
    }

    private static func decode(_ body: JSON, existing: IssueAlertRule?) throws -> IssueAlertRule {
        do { return try RuleCodec.decode(body, existing: existing) } catch { throw QueryError.invalid(error.field, error.message) }
    }

    /// A rule as Sentry's `RuleSerializer` writes it.
    static func json(_ row: AlertRuleRepository.Row, project: Project) -> JSON {
        let rule = try? RuleCodec.decode(row.definition)
        let items = rule.map(RuleCodec.items) ?? (.array([]), .array([]), .array([]))
        return .object([
            "id": .string(String(row.id)), "name": .string(row.name),
            "conditions": items.conditions, "filters": items.filters, "actions": items.actions,
            "actionMatch": .string(rule?.actionMatch.rawValue ?? "all"), "filterMatch": .string(rule?.filterMatch.rawValue ?? "all"),
            "frequency": .int(rule?.frequencyMinutes ?? 30), "environment": rule?.environment.map(JSON.string) ?? .null,
            "projects": [.string(project.slug)], "owner": .null,
            "createdBy": row.createdBy.map { .object(["id": .int($0)]) } ?? .null,
            "dateCreated": .string(Timestamp.format(row.createdAt)),
            "status": .string(row.status),
            "snooze": .bool(row.snoozedUntil.map { $0 > Date() } ?? false),
        ])
    }
}
