import Alerting
import EventModel
import Foundation
import Hummingbird
import Store
import Web

/// The project's alert settings page (`/ui/{org}/{project}/alerts`, read-only): its issue alert
/// rules, the WebHooks plugin's URLs, and the latest notifications with their delivery state, so a
/// dead one is visible. Rules are changed through the rules API or `faultline admin` (docs/ALERTS.md).
struct AlertSettingsPage {
    let api: APIContext

    func add(to ui: RouterGroup<FaultlineRequestContext>) {
        ui.get(":org/:project/alerts") { request, context in try await page(request, context) }
    }

    private func page(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: AlertRuleRoutes.readScopes)
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let (rules, plugin, recent) = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
            return (try AlertRuleRepository(db).list(projectID: project.id),
                    try IntegrationRepository(db).plugin(projectID: project.id, name: "webhooks"),
                    try OutboxRepository(db).recent(projectID: project.id, state: nil, limit: 50))
        }
        let ruleRows = rules.map { row -> String in
            let rule = try? RuleCodec.decode(row.definition)
            let items = rule.map(RuleCodec.items)
            func names(_ json: JSON?) -> String {
                (json?.array ?? []).compactMap { $0["name"]?.string }.map(HTML.escape).joined(separator: "<br>")
            }
            return "<tr><td>\(HTML.escape(row.name))</td><td>\(HTML.escape(rule?.actionMatch.rawValue ?? "?"))</td>"
                + "<td>\(names(items?.conditions))</td><td>\(names(items?.filters))</td><td>\(names(items?.actions))</td>"
                + "<td class=\"num\">\(rule?.frequencyMinutes ?? 0) min</td><td>\(HTML.escape(row.status))\(row.snoozedUntil.map { $0 > Date() ? " (muted)" : "" } ?? "")</td></tr>"
        }.joined()
        let urls = (plugin?.config["urls"]?.array ?? []).compactMap(\.string).map { IntegrationRoutes.redactedURL($0) }
        let sent = recent.map { message in
            "<tr><td class=\"muted\">\(HTML.escape(Timestamp.format(message.createdAt)))</td><td>\(HTML.escape(message.channel))</td>"
                + "<td>\(HTML.escape(message.state))</td><td class=\"num\">\(message.attempts)</td><td>\(HTML.escape(message.lastError ?? ""))</td></tr>"
        }.joined()
        return HTML.page("\(slug) alerts", """
            <h3>Issue alert rules</h3><table id="rules"><tr><th>Name</th><th>Match</th><th>Conditions</th><th>Filters</th><th>Actions</th><th class="num">Frequency</th><th>Status</th></tr>
            \(rules.isEmpty ? "<tr><td colspan=\"7\" class=\"muted\">No rules yet (the rules API or faultline admin add-rule).</td></tr>" : ruleRows)</table>
            <h3>WebHooks plugin</h3><p>\(plugin?.enabled == true ? "enabled" : "disabled"): \(urls.isEmpty ? "no URLs" : urls.map(HTML.escape).joined(separator: ", "))</p>
            <h3>Latest notifications</h3><table id="notifications"><tr><th>Created</th><th>Channel</th><th>State</th><th class="num">Attempts</th><th>Last error</th></tr>\(sent)</table>
            """, csrf: DashboardRoutes.csrf(request))
    }
}
