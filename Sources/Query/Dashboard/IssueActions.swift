import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// The dashboard's triage forms: status (resolve, in the next release, in a release, ignore with
/// conditions, unresolve), assignment (a member or a team), comments, and the stream's bulk form.
/// Each form becomes the API's update body (`TriageForm`, pure) and goes through the same
/// `IssueUpdate.parse` and `IssueRoutes.apply` as `PUT /api/0/issues/…`.
struct IssueActions {
    let api: APIContext

    /// The one-click status buttons of an issue in `status`.
    static func buttons(status: String) -> [(String, String)] {
        switch status {
        case "unresolved": return [("resolved", "Resolve"), ("resolvedInNextRelease", "Resolve in next release"), ("ignored", "Ignore")]
        default: return [("unresolved", "Unresolve")]
        }
    }

    /// Whether the assignee option (a user id with its email as label, or `team:slug`) is the issue's assignee.
    static func isAssigned(_ assignedTo: String?, value: String, label: String) -> Bool {
        guard let assignedTo = assignedTo?.lowercased() else { return false }
        return value.hasPrefix("team:") ? assignedTo == value.lowercased() : assignedTo == label.lowercased()
    }

    func setStatus(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let fields = try await DashboardRoutes.form(request)
        return try await update(context, body: try TriageForm.status(fields))
    }

    func assign(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let fields = try await DashboardRoutes.form(request)
        return try await update(context, body: TriageForm.assignment(fields["assignee"] ?? ""))
    }

    private func update(_ context: FaultlineRequestContext, body: [String: JSON]) async throws -> Response {
        let grant = try context.require("event:write")
        let org = try context.parameters.require("org")
        let reference = try context.parameters.require("issue")
        let update = try IssueUpdate.parse(body)
        let id = try await api.withConnection { [api] db in
            try db.transaction { tx -> Int64 in
                let (issue, _) = try api.issue(grant, organization: org, reference: reference, tx)
                _ = try IssueRoutes(api: api).apply(update, to: [issue], tx)
                return issue.id
            }
        }
        return Response(status: .seeOther, headers: [.location: "/ui/\(org)/issues/\(id)/"])
    }

    /// A comment: a `note` activity, as `POST /api/0/issues/{id}/comments/` records it.
    func comment(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:write")
        let org = try context.parameters.require("org")
        let reference = try context.parameters.require("issue")
        let text = (try await DashboardRoutes.form(request)["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let id = try await api.withConnection { [api] db in
            try db.transaction { tx -> Int64 in
                let (issue, _) = try api.issue(grant, organization: org, reference: reference, tx)
                try IssueComments.add(text, author: grant.userEmail, issueID: issue.id, tx)
                return issue.id
            }
        }
        return Response(status: .seeOther, headers: [.location: "/ui/\(org)/issues/\(id)/#activity"])
    }

    /// The stream's bulk form: resolve, ignore, assign or merge the checked issues of the organization.
    func bulk(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:write")
        let org = try context.parameters.require("org")
        let fields = try await DashboardRoutes.formPairs(request)
        let back = TriageForm.returnPath(fields["return"], org: org)
        let ids = fields.all("id").compactMap { Int64($0) }
        guard !ids.isEmpty else { return Response(status: .seeOther, headers: [.location: back]) }
        let update = try IssueUpdate.parse(try TriageForm.bulk(action: fields["action"] ?? "", assignee: fields["assignee"] ?? ""))
        try await api.withConnection { [api] db in
            try db.transaction { tx in
                let organization = try api.organization(grant, slug: org, tx)
                let projects = try api.projects(of: organization, tx)
                let issues = try IssueStore(db: tx).issues(ids: Array(ids.prefix(IssueRoutes.bulkLimit)), projectIDs: projects.map(\.id))
                guard !issues.isEmpty else { return }
                _ = try IssueRoutes(api: api).apply(update, to: issues, tx)
            }
        }
        return Response(status: .seeOther, headers: [.location: back])
    }
}

/// The triage forms' fields as the API's update body (pure).
enum TriageForm {
    static func status(_ fields: [String: String]) throws(QueryError) -> [String: JSON] {
        switch fields["status"] ?? "" {
        case "resolved", "unresolved", "resolvedInNextRelease": return ["status": .string(fields["status"] ?? "")]
        case "resolvedInRelease":
            let release = (fields["release"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !release.isEmpty, release.utf8.count <= 250 else { throw QueryError(.badRequest, "Name the release (at most 250 bytes).") }
            return ["status": "resolved", "statusDetails": .object(["inRelease": .string(release)])]
        case "ignored":
            var details: [String: JSON] = [:]
            for name in ["ignoreDuration", "ignoreCount", "ignoreWindow", "ignoreUserCount", "ignoreUserWindow"] {
                guard let text = fields[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { continue }
                guard let value = Int64(text) else { throw QueryError(.badRequest, "\(name) must be a whole number.") }
                details[name] = .int(value)
            }
            return ["status": "ignored", "statusDetails": .object(details)]
        default: throw QueryError(.badRequest, "Unknown status")
        }
    }

    /// An assignee option's value: a user id, `team:slug`, or empty for nobody.
    static func assignment(_ value: String) -> [String: JSON] {
        ["assignedTo": value.isEmpty ? .null : .string(value)]
    }

    static func bulk(action: String, assignee: String) throws(QueryError) -> [String: JSON] {
        switch action {
        case "resolve": return ["status": "resolved"]
        case "ignore": return ["status": "ignored"]
        case "merge": return ["merge": true]
        case "assign": return assignment(assignee)
        default: throw QueryError(.badRequest, "Unknown action")
        }
    }

    /// Where a form goes back to: a dashboard path of the organization, else its stream (never
    /// another site: `//host` and schemes are refused).
    static func returnPath(_ text: String?, org: String) -> String {
        let fallback = "/ui/\(org)/issues/"
        guard let text, text.hasPrefix("/ui/"), !text.contains("\\"), text.utf8.count <= 2000,
              text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return fallback }
        return text
    }
}
