import Alerting
import ArgumentParser
import EventModel
import Foundation
import Postgres
import Store

/// `faultline admin list-rules`, `add-rule`, `remove-rule`, `set-webhooks`: issue alert rules
/// and the WebHooks plugin from the command line, with the rules API's JSON and audit entries.
extension AdminCommand {
    struct ListRules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list-rules", abstract: "Print a project's issue alert rules as JSON, one per line.")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var project: String

        func run() async throws {
            try await CommandRunner.run {
                let lines = try AdminCommand.withConnection(options) { db, _ -> [String] in
                    let project = try AdminCommand.project(db, organization, project)
                    return try AlertRuleRepository(db).list(projectID: project.id).map { row in
                        var json = row.definition.object ?? [:]
                        json["id"] = .string(String(row.id))
                        json["status"] = .string(row.status)
                        return JSON.object(json).encodedString()
                    }
                }
                lines.forEach { print($0) }
            }
        }
    }

    struct AddRule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-rule", abstract: "Add an issue alert rule from its rules-API JSON (a file, or - for stdin).",
            discussion: #"Example: {"name": "New issues", "conditions": [{"id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"}], "actions": [{"id": "sentry.rules.actions.notify_event_service.NotifyEventServiceAction", "service": "webhooks"}]}"#)
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var project: String
        @Argument(help: "JSON file, or - for stdin.") var file: String

        func run() async throws {
            try await CommandRunner.run {
                let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
                guard data.count <= 1 << 20, let body = try? JSON.parse(Array(data)) else { throw StoreError.invalid("the rule is not JSON") }
                let rule: IssueAlertRule
                do { rule = try RuleCodec.decode(body) } catch let error as RuleCodec.Invalid { throw StoreError.invalid("\(error.field): \(error.message)") }
                let id = try AdminCommand.withConnection(options) { db, _ in
                    try db.transaction { tx -> Int64 in
                        let project = try AdminCommand.project(tx, organization, project)
                        let row = try AlertRuleRepository(tx).create(projectID: project.id, name: rule.name, definition: RuleCodec.encode(rule), createdBy: nil)
                        try AdminCommand.audit(tx, organization: organization, AuditEvent("rule.add", targetObject: row.id, data: ["label": .string(rule.name)]))
                        return row.id
                    }
                }
                print("rule \(id)")
            }
        }
    }

    struct RemoveRule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-rule", abstract: "Delete an issue alert rule by id.")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var project: String
        @Argument var id: Int64

        func run() async throws {
            try await CommandRunner.run {
                try AdminCommand.withConnection(options) { db, _ in
                    try db.transaction { tx in
                        let project = try AdminCommand.project(tx, organization, project)
                        guard try AlertRuleRepository(tx).delete(projectID: project.id, id: id) else { throw StoreError.notFound("no rule \(id)") }
                        try AdminCommand.audit(tx, organization: organization, AuditEvent("rule.remove", targetObject: id))
                    }
                }
                print("removed rule \(id)")
            }
        }
    }

    struct SetWebhooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-webhooks", abstract: "Set the project's WebHooks plugin URLs (none: disables it).")
        @OptionGroup var options: ServiceOptions
        @Argument var organization: String
        @Argument var project: String
        @Argument var urls: [String] = []

        func run() async throws {
            try await CommandRunner.run {
                let checked: [String]
                do { checked = try WebhookURL.lines(urls.joined(separator: "\n")) } catch let error as RuleCodec.Invalid { throw StoreError.invalid("\(error.field): \(error.message)") }
                try AdminCommand.withConnection(options) { db, _ in
                    try db.transaction { tx in
                        let project = try AdminCommand.project(tx, organization, project)
                        try IntegrationRepository(tx).setPlugin(projectID: project.id, name: "webhooks", enabled: !checked.isEmpty,
                                                                config: ["urls": .array(checked.map(JSON.string))])
                        try AdminCommand.audit(tx, organization: organization, AuditEvent("project.edit", targetObject: project.id,
                                                                                         data: ["plugin": "webhooks", "urls": .int(Int64(checked.count))]))
                    }
                }
                print("webhooks: \(checked.count) URL(s)")
            }
        }
    }

    static func project(_ db: PGConnection, _ organization: String, _ slug: String) throws -> Project {
        guard let project = try AdminStore(db).project(organization: organization, slug: slug) else {
            throw StoreError.notFound("no project \(organization)/\(slug)")
        }
        return project
    }
}
