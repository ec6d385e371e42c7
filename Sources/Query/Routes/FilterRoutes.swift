import EventModel
import Foundation
import Hummingbird
import Postgres
import Quotas
import RelayConfig
import Store
import Web

/// Sentry's inbound filters endpoints: `GET /api/0/projects/{org}/{project}/filters/`
/// (`project:read`) lists the built-in filters with `active`, and `PUT …/filters/{id}/`
/// (`project:write`) toggles one. Faultline applies `browser-extensions` and `localhost`; the
/// others are listed inactive and cannot be turned on (400). The pattern filters (error messages,
/// releases) are project options: `filters:error_messages` in the project details, as Sentry.
struct FilterRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("projects/:org/:project/filters") { _, context in try await list(context) }
        group.put("projects/:org/:project/filters/:filter") { request, context in try await update(request, context) }
    }

    /// Sentry's built-in filter ids, in its order; the first two are applied by Faultline's relay.
    static let ids = ["browser-extensions", "localhost", "filtered-transaction", "legacy-browsers", "web-crawlers"]
    static let applied: Set<String> = ["browser-extensions", "localhost"]

    private func list(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("project:read")
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let filters = try await api.withConnection { [api] db in
            try RelayConfigStore(db).filters(projectID: try api.project(grant, organization: org, project: slug, db).id)
        }
        return JSONResponse.make(.ok, Self.ids.map { FilterJSON(id: $0, active: Self.active($0, filters)) })
    }

    private func update(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["project:write", "project:admin"])
        let (org, slug, id) = (try context.parameters.require("org"), try context.parameters.require("project"),
                               try context.parameters.require("filter"))
        guard Self.ids.contains(id) else { throw QueryError.notFound }
        let body = try await RequestBody.object(request)
        guard let active = body["active"]?.bool else { throw QueryError.invalid("active", "Must be a valid boolean.") }
        guard Self.applied.contains(id) || !active else {
            throw QueryError(.badRequest, "Faultline does not apply the \(id) filter.")
        }
        try await api.withConnection { [api] db in
            try db.transaction { tx in
                let project = try api.project(grant, organization: org, project: slug, tx)
                let store = RelayConfigStore(tx)
                var filters = try store.filters(projectID: project.id)
                if id == "localhost" { filters.localhost = active }
                if id == "browser-extensions" { filters.browserExtensions = active }
                try store.setFilters(organization: project.organizationSlug, project: project.slug, filters: filters)
            }
        }
        return Response(status: .noContent)
    }

    static func active(_ id: String, _ filters: InboundFilters) -> Bool {
        switch id {
        case "localhost": return filters.localhost
        case "browser-extensions": return filters.browserExtensions
        default: return false
        }
    }

    /// The project options Sentry keeps its pattern filters in: newline-separated lists.
    static func options(_ filters: InboundFilters) -> [String: String] {
        ["filters:error_messages": filters.errorMessages.joined(separator: "\n"),
         "filters:releases": filters.releases.joined(separator: "\n"),
         "filters:blacklisted_ips": ""]
    }

    /// Applies `filters:error_messages` and `filters:releases` of a project update's `options`;
    /// nil when the body sets neither. An IP list is refused (Faultline does not filter by IP).
    static func applying(_ body: [String: JSON], to filters: InboundFilters) throws -> InboundFilters? {
        guard let options = body["options"]?.object else { return nil }
        var filters = filters
        var touched = false
        for (name, keyPath) in [("filters:error_messages", \InboundFilters.errorMessages), ("filters:releases", \InboundFilters.releases)] {
            guard let value = options[name] else { continue }
            guard let text = value.string else { throw QueryError.invalid("options", "\(name) must be a string.") }
            let patterns = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard patterns.count <= InboundFilters.maxPatterns, patterns.allSatisfy({ $0.utf8.count <= InboundFilters.maxPatternLength }) else {
                throw QueryError.invalid("options", "\(name): at most \(InboundFilters.maxPatterns) patterns of \(InboundFilters.maxPatternLength) bytes.")
            }
            filters[keyPath: keyPath] = patterns
            touched = true
        }
        if let ips = options["filters:blacklisted_ips"], ips.string?.isEmpty != true, !ips.isNull {
            throw QueryError.invalid("options", "Faultline does not filter by IP address.")
        }
        return touched ? filters : nil
    }
}

/// One built-in filter as Sentry lists it.
struct FilterJSON: Encodable, Sendable {
    let id: String
    let active: Bool
}
