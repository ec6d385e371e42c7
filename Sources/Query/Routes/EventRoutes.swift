import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// One event of a project, and the events of a trace across the organization's projects.
struct EventRoutes {
    let api: APIContext

    /// How many events one trace lookup returns at most.
    static let traceLimit = 1000

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("projects/:org/:project/events") { request, context in try await projectEvents(request, context) }
        group.get("projects/:org/:project/events/:event") { _, context in try await event(context) }
        group.get("organizations/:org/events") { request, context in try await organizationEvents(request, context) }
        group.get("organizations/:org/events-trace/:trace") { _, context in try await trace(context) }
    }

    private func event(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let (org, slug, id) = (try context.parameters.require("org"), try context.parameters.require("project"),
                               try context.parameters.require("event"))
        let json = try await api.withConnection { [api] db -> JSON in
            let project = try api.project(grant, organization: org, project: slug, db)
            let store = EventStore(db: db)
            guard let event = try store.event(projectIDs: [project.id], eventID: id) else { throw QueryError.notFound }
            let (previous, next) = try store.neighbours(of: event)
            return EventJSON.full(event, previous: previous, next: next)
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    /// The project's events, newest first (`sentry-cli events list`), in the summary shape.
    private func projectEvents(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let parameters = request.uri.queryParameters
        let (cursor, limit) = try Cursor.page(cursor: parameters["cursor"].map(String.init), perPage: parameters["per_page"].map(String.init))
        let (events, hasMore) = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
            return try EventStore(db: db).events(projectID: project.id, limit: limit, offset: cursor.offset)
        }
        return JSONResponse.make(.ok, bytes: JSON.array(events.map { JSON.object(EventJSON.summary($0)) }).encoded(),
                                 headers: [.link: api.link(request, offset: cursor.offset, limit: limit, hasMore: hasMore)])
    }

    /// Sentry's Discover-style list, for the one query Faultline answers from it: `trace:<id>`.
    private func organizationEvents(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let org = try context.parameters.require("org")
        let query = (SearchQueryParameter.value(request.uri) ?? "").trimmingCharacters(in: .whitespaces)
        guard query.hasPrefix("trace:"), let traceID = Self.traceID(String(query.dropFirst(6))) else {
            throw QueryError(.badRequest, "Only trace:<trace id> queries are supported by this endpoint.")
        }
        let rows = try await traceRows(grant, org: org, traceID: traceID)
        let fields = ["id", "title", "project", "project.id", "issue", "issue.id", "level", "timestamp", "trace", "culprit"]
        let meta = JSON.object(Dictionary(uniqueKeysWithValues: fields.map { ($0, JSON.string($0.hasSuffix(".id") ? "integer" : "string")) }))
        return JSONResponse.make(.ok, bytes: JSON.object(["data": .array(rows), "meta": .object(["fields": meta])]).encoded())
    }

    private func trace(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let org = try context.parameters.require("org")
        guard let traceID = Self.traceID(try context.parameters.require("trace")) else { throw QueryError.notFound }
        let rows = try await traceRows(grant, org: org, traceID: traceID)
        return JSONResponse.make(.ok, bytes: JSON.object(["trace": .string(traceID), "errors": .array(rows)]).encoded())
    }

    private func traceRows(_ grant: TokenGrant, org: String, traceID: String) async throws -> [JSON] {
        try await api.withConnection { [api] db in
            let projects = try api.projects(of: try api.organization(grant, slug: org, db), db)
            let slugs = Dictionary(uniqueKeysWithValues: projects.map { ($0.id, $0.slug) })
            let events = try EventStore(db: db).events(traceID: traceID, projectIDs: projects.map(\.id), limit: Self.traceLimit)
            let shortIDs = try IssueRepository(db).shortIDs(issueIDs: Array(Set(events.map(\.issueID))))
                .mapValues { ShortID.format(projectSlug: $0.projectSlug, number: $0.number) }
            return events.map { event in
                .object([
                    "id": .string(event.eventID), "title": .string(event.title),
                    "project": .string(slugs[event.projectID] ?? ""), "project.id": .int(event.projectID),
                    "issue": .string(shortIDs[event.issueID] ?? ""), "issue.id": .int(event.issueID),
                    "level": .string(event.level), "timestamp": .string(Timestamp.format(event.timestamp)),
                    "trace": .string(traceID), "culprit": event.payload["culprit"] ?? .string(""),
                    "platform": event.platform.map(JSON.string) ?? .null,
                ])
            }
        }
    }

    /// Trace ids are 32 hex digits (dashes tolerated).
    static func traceID(_ text: String) -> String? {
        let hex = text.replacingOccurrences(of: "-", with: "").lowercased()
        guard hex.utf8.count == 32, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return nil }
        return hex
    }
}
