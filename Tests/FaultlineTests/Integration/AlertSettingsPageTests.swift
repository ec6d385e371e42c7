import Alerting
import EventModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

/// The dashboard's read-only alert settings page: rules, plugin URLs (redacted), notification states.
@Suite struct AlertSettingsPageTests {
    @Test func listsRulesPluginAndNotifications() async throws {
        try await PeopleTests.withDashboard { db, client in
            try TestUsers.create(db, email: "member@acme.test", role: .member)
            let project = try #require(try AdminStore(db).project(organization: "acme", slug: "web"))
            let rule = try RuleCodec.decode(["name": "New <issues>", "conditions": [["id": .string(RuleIDs.firstSeen)]],
                                             "actions": [["id": .string(RuleIDs.notifyService), "service": "webhooks"]]])
            _ = try AlertRuleRepository(db).create(projectID: project.id, name: rule.name, definition: RuleCodec.encode(rule), createdBy: nil)
            try IntegrationRepository(db).setPlugin(projectID: project.id, name: "webhooks", enabled: true,
                                                    config: ["urls": ["https://hooks.example/secret-path"]])
            var browser = DashboardBrowser(client)
            try await browser.signIn("member@acme.test", TestUsers.password)
            let page = try await browser.get("/ui/acme/web/alerts")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("New &lt;issues&gt;"))
            #expect(html.contains("A new issue is created"))
            #expect(html.contains("https://hooks.example/"))
            #expect(!html.contains("secret-path"))
            #expect(try await browser.get("/ui/acme/nope/alerts").status != .ok)
        }
    }
}
