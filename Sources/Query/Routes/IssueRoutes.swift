import EventModel
import Foundation
import Hummingbird
import HummingbirdCore
import Postgres
import Store
import Web

/// Issue lists of a project and of an organization, bulk changes on them, and one issue with
/// its events, hashes, tags and activity.
struct IssueRoutes {
    let api: APIContext

    /// Sentry's limit on how many issues one bulk change without ids may touch.
    static let bulkLimit = 1000

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("projects/:org/:project/issues") { request, context in try await list(request, context) }
        group.put("projects/:org/:project/issues") { request, context in try await bulkUpdate(request, context) }
        group.delete("projects/:org/:project/issues") { request, context in try await bulkDelete(request, context) }
        group.get("organizations/:org/issues") { request, context in try await list(request, context) }
        group.put("organizations/:org/issues") { request, context in try await bulkUpdate(request, context) }
        group.delete("organizations/:org/issues") { request, context in try await bulkDelete(request, context) }
        for prefix in ["issues/:issue", "organizations/:org/issues/:issue"] {
            group.get(RouterPath(prefix)) { _, context in try await detail(context) }
            group.put(RouterPath(prefix)) { request, context in try await update(request, context) }
            group.delete(RouterPath(prefix)) { _, context in try await delete(context) }
            group.get(RouterPath(prefix + "/events")) { request, context in try await events(request, context) }
            group.get(RouterPath(prefix + "/events/:event")) { _, context in try await event(context) }
            group.get(RouterPath(prefix + "/hashes")) { _, context in try await hashes(context) }
            group.get(RouterPath(prefix + "/tags")) { _, context in try await tags(context) }
            group.get(RouterPath(prefix + "/tags/:key")) { _, context in try await tag(context) }
            group.get(RouterPath(prefix + "/tags/:key/values")) { request, context in try await tagValues(request, context) }
            group.get(RouterPath(prefix + "/activities")) { _, context in try await activities(context) }
            group.post(RouterPath(prefix + "/comments")) { request, context in try await comment(request, context) }
        }
    }

    // MARK: Scope

    /// The projects a request may touch: the one in the path, or the organization's (narrowed
    /// by `project=` ids; -1 means all).
    private func projects(_ request: Request?, _ context: FaultlineRequestContext, _ grant: TokenGrant,
                          _ db: PGConnection) throws -> [Project] {
        let org = try context.parameters.require("org")
        if let slug = context.parameters.get("project") { return [try api.project(grant, organization: org, project: slug, db)] }
        let all = try api.projects(of: try api.organization(grant, slug: org, db), db)
        let wanted = (request?.uri.queryParameters.getAll("project") ?? []).compactMap { Int64(String($0)) }.filter { $0 != -1 }
        return wanted.isEmpty ? all : all.filter { wanted.contains($0.id) }
    }

    /// The issue named in the path, within the caller's organization; 404 otherwise.
    private func issue(_ context: FaultlineRequestContext, _ grant: TokenGrant, _ db: PGConnection) throws -> (IssueRecord, Project) {
        try api.issue(grant, organization: context.parameters.get("org"), reference: try context.parameters.require("issue"), db)
    }

    // MARK: Lists

    private func list(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let parameters = request.uri.queryParameters
        let limit = APIContext.limit(request, default: 100, maximum: 100)
        let cursor = try Cursor.parse(parameters["cursor"].map(String.init))
        var listRequest = try listRequest(parameters, query: SearchQueryParameter.value(request.uri), grant: grant)
        listRequest.limit = limit
        listRequest.offset = cursor.offset
        let pageRequest = listRequest
        let statsPeriod = try Self.statsPeriod(parameters["groupStatsPeriod"].map(String.init))
        let baseURL = api.baseURL
        let (issues, hasMore) = try await api.withConnection { db -> ([JSON], Bool) in
            let projects = try projects(request, context, grant, db)
            var listRequest = pageRequest
            listRequest.projectIDs = projects.map(\.id)
            let store = IssueStore(db: db)
            let (records, hasMore) = try store.list(listRequest)
            let stats = try statsPeriod.map { try store.stats(issueIDs: records.map(\.id), period: $0) } ?? [:]
            let byID = Dictionary(uniqueKeysWithValues: projects.map { ($0.id, $0) })
            return (records.compactMap { record in
                byID[record.projectID].map { project in
                    .object(IssueJSON.make(record, project: project, baseURL: baseURL,
                                           stats: statsPeriod.map { [$0.rawValue: stats[record.id] ?? []] }))
                }
            }, hasMore)
        }
        let link = api.link(request, offset: cursor.offset, limit: limit, hasMore: hasMore)
        return JSONResponse.make(.ok, bytes: JSON.array(issues).encoded(), headers: [.link: link])
    }

    /// The list's filters from the query string: `query` (Sentry's search; `is:unresolved` when
    /// absent), `statsPeriod` or `start`/`end`, `environment`, `sort`.
    private func listRequest(_ parameters: FlatDictionary<Substring, Substring>, query: String?, grant: TokenGrant) throws -> IssueStore.ListRequest {
        var request = IssueStore.ListRequest(projectIDs: [])
        // `status=` (sentry-cli's `--status`) selects by status instead of the default `is:unresolved`.
        let status = parameters["status"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let query = query ?? (status == nil ? "is:unresolved" : "")
        request.filter = try SearchFilterSQL.compile(query, target: .issues, userEmail: grant.userEmail, builder: &request.builder)
        if let status {
            request.filter = [request.filter, "i.status = \(request.builder.bind(status == "muted" ? "ignored" : status))"]
                .compactMap { $0 }.joined(separator: " AND ")
        }
        let (since, until) = try Self.timeRange(parameters)
        request.since = since
        request.until = until
        request.environments = parameters.getAll("environment").map { String($0) }.filter { !$0.isEmpty }
        request.sort = IssueStore.Sort(parameters["sort"].map(String.init))
        return request
    }

    static func statsPeriod(_ text: String?) throws -> StatsPeriod? {
        switch text {
        case nil, "24h", "auto": return .day
        case "14d": return .fortnight
        case "": return nil
        case let other?: throw QueryError(.badRequest, "Invalid groupStatsPeriod: \(other)")
        }
    }

    /// `statsPeriod` (e.g. `24h`, `14d`; 90 days at most) or `start` and `end`.
    static func timeRange(_ parameters: FlatDictionary<Substring, Substring>) throws -> (Date?, Date?) {
        if let start = parameters["start"].map(String.init), let end = parameters["end"].map(String.init) {
            guard let from = RequestDate.parse(start), let to = RequestDate.parse(end), from <= to else {
                throw QueryError(.badRequest, "start and end must be ISO 8601 dates, start before end")
            }
            return (from, to)
        }
        let period = try PeriodParameter.statsPeriod(parameters["statsPeriod"].map(String.init))
        return (period.map { Date().addingTimeInterval(-$0) }, nil)
    }

    // MARK: Bulk changes

    /// The issues a bulk request names: `id=` parameters, else the issues the search matches
    /// (at most `bulkLimit`), as Sentry does. Ids that name nothing select nothing: falling back
    /// to the search would turn a stale or mistyped id into a change of every issue.
    private func targets(_ request: Request, _ context: FaultlineRequestContext, _ grant: TokenGrant,
                         _ db: PGConnection) throws -> ([IssueRecord], [Project]) {
        let projects = try projects(request, context, grant, db)
        let idTexts = request.uri.queryParameters.getAll("id")
        let store = IssueStore(db: db)
        if !idTexts.isEmpty {
            let ids = idTexts.compactMap { Int64(String($0)) }
            guard ids.count == idTexts.count else { throw QueryError(.badRequest, "Group ids must be integers") }
            return (try store.issues(ids: ids, projectIDs: projects.map(\.id)), projects)
        }
        var listRequest = try listRequest(request.uri.queryParameters, query: SearchQueryParameter.value(request.uri), grant: grant)
        listRequest.projectIDs = projects.map(\.id)
        listRequest.limit = Self.bulkLimit
        return (try store.list(listRequest).0, projects)
    }

    private func bulkUpdate(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:write")
        let update = try IssueUpdate.parse(try await RequestBody.object(request))
        let echo = try await api.withConnection { db -> [String: JSON]? in
            try db.transaction { tx in
                let (issues, _) = try targets(request, context, grant, tx)
                guard !issues.isEmpty else { return nil }
                return try apply(update, to: issues, tx)
            }
        }
        guard let echo else { return JSONResponse.error(.noContent, "No groups found") }
        return JSONResponse.make(.ok, bytes: JSON.object(echo).encoded())
    }

    private func bulkDelete(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:admin")
        let deleted = try await api.withConnection { db in
            try db.transaction { tx -> [Int64] in
                let (issues, projects) = try targets(request, context, grant, tx)
                return try IssueMerge(tx).delete(issues.map(\.id), projectIDs: projects.map(\.id))
            }
        }
        return deleted.isEmpty ? JSONResponse.error(.noContent, "No groups found") : Response(status: .noContent)
    }

    /// Applies an update to issues, in the caller's transaction; returns Sentry's echo. The
    /// dashboard's triage forms apply theirs through it too.
    func apply(_ update: IssueUpdate, to issues: [IssueRecord], _ db: PGConnection) throws -> [String: JSON] {
        var echo = update.echo
        let ids = issues.map(\.id)
        let projectIDs = Array(Set(issues.map(\.projectID)))
        if var status = update.status {
            if case .resolvedInRelease(IssueUpdate.latestRelease) = status {
                guard projectIDs.count == 1 else { throw QueryError(.badRequest, "Cannot set resolved for multiple projects.") }
                let latest = try IssueRepository(db).latestRelease(projectID: projectIDs[0])
                status = latest.map { .resolvedInRelease($0) } ?? .resolved
            }
            try IssueTriage(db).setStatus(status, issueIDs: ids, projectIDs: projectIDs)
        }
        if let assignment = update.assignment {
            var assignee: String?
            if case .assign(let name) = assignment {
                let resolved = try IssueAssignee.resolve(name, projectIDs: projectIDs, db)
                assignee = resolved.0
                echo["assignedTo"] = resolved.1
            }
            try IssueRepository(db).assign(ids: ids, to: assignee)
        }
        if update.merge {
            guard issues.count > 1 else { throw QueryError(.badRequest, "Only a single group was selected; merging requires at least two.") }
            guard projectIDs.count == 1 else { throw QueryError(.badRequest, "Merging across multiple projects is not supported") }
            // The issue with the most events absorbs the others, as in Sentry.
            let parent = issues.max { ($0.timesSeen, -$0.id) < ($1.timesSeen, -$1.id) }!
            let children = ids.filter { $0 != parent.id }
            try IssueMerge(db).merge(parent: parent.id, children: children, projectID: projectIDs[0])
            echo["merge"] = .object(["parent": .string(String(parent.id)), "children": .array(children.map { .string(String($0)) })])
        }
        return echo
    }

    // MARK: One issue

    private func detail(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let baseURL = api.baseURL
        let json = try await api.withConnection { db -> JSON in
            let (issue, project) = try issue(context, grant, db)
            let stats = try IssueStore(db: db).stats(issueIDs: [issue.id], period: .day)[issue.id] ?? []
            var json = IssueJSON.make(issue, project: project, baseURL: baseURL, stats: ["24h": stats])
            json["activity"] = .array(try activityJSON(issue.id, db))
            json["userReportCount"] = .int(0)
            json["participants"] = .array([])
            json["seenBy"] = .array([])
            return .object(json)
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func update(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:write")
        let update = try IssueUpdate.parse(try await RequestBody.object(request))
        guard !update.merge else { throw QueryError(.badRequest, "Merging needs the bulk endpoint with several ids.") }
        let baseURL = api.baseURL
        let json = try await api.withConnection { db in
            try db.transaction { tx -> JSON in
                let (issue, project) = try issue(context, grant, tx)
                _ = try apply(update, to: [issue], tx)
                let fresh = try IssueStore(db: tx).issues(ids: [issue.id], projectIDs: [project.id]).first ?? issue
                return .object(IssueJSON.make(fresh, project: project, baseURL: baseURL))
            }
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func delete(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:admin")
        try await api.withConnection { db in
            try db.transaction { tx in
                let (issue, project) = try issue(context, grant, tx)
                _ = try IssueMerge(tx).delete([issue.id], projectIDs: [project.id])
            }
        }
        return Response(status: .accepted)
    }

    private func events(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let parameters = request.uri.queryParameters
        let limit = APIContext.limit(request, default: 100, maximum: 100)
        let cursor = try Cursor.parse(parameters["cursor"].map(String.init))
        let full = ["1", "true"].contains(parameters["full"].map(String.init) ?? "")
        let (events, hasMore) = try await api.withConnection { db in
            let (issue, _) = try issue(context, grant, db)
            return try EventStore(db: db).events(issueID: issue.id, limit: limit, offset: cursor.offset)
        }
        let json = JSON.array(events.map { full ? EventJSON.full($0) : .object(EventJSON.summary($0)) })
        let link = api.link(request, offset: cursor.offset, limit: limit, hasMore: hasMore)
        return JSONResponse.make(.ok, bytes: json.encoded(), headers: [.link: link])
    }

    /// `latest`, `oldest` or an event id, in Sentry's full event shape.
    private func event(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let which = try context.parameters.require("event")
        let json = try await api.withConnection { db -> JSON in
            let (issue, project) = try issue(context, grant, db)
            let store = EventStore(db: db)
            let event: EventRecord?
            switch which {
            case "latest": event = try store.event(issue: issue, .latest)
            case "oldest": event = try store.event(issue: issue, .oldest)
            default: event = try store.event(projectIDs: [project.id], eventID: which).flatMap { $0.issueID == issue.id ? $0 : nil }
            }
            guard let event else { throw QueryError.notFound }
            let (previous, next) = try store.neighbours(of: event)
            return EventJSON.full(event, previous: previous, next: next)
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func hashes(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let json = try await api.withConnection { db -> JSON in
            let (issue, _) = try issue(context, grant, db)
            let hashes = try IssueRepository(db).hashes(issueID: issue.id, projectID: issue.projectID)
            return .array(hashes.map { .object(["id": .string($0), "latestEvent": .null]) })
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func tags(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let json = try await api.withConnection { db -> JSON in
            let (issue, _) = try issue(context, grant, db)
            let keys = try RollupRepository(db).tagKeys(issueID: issue.id)
            return .array(try keys.map { try tagJSON(issue.id, key: $0, top: 9, db) })
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func tag(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let key = try context.parameters.require("key")
        let json = try await api.withConnection { db -> JSON in
            let (issue, _) = try issue(context, grant, db)
            let tag = try tagJSON(issue.id, key: key, top: 9, db)
            guard tag["totalValues"]?.int != 0 else { throw QueryError.notFound }
            return tag
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func tagValues(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let key = try context.parameters.require("key")
        let limit = APIContext.limit(request, default: 100, maximum: 1000)
        let json = try await api.withConnection { db -> JSON in
            let (issue, _) = try issue(context, grant, db)
            return .array(try valuesJSON(issue.id, key: key, limit: limit, db))
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    private func tagJSON(_ issueID: Int64, key: String, top: Int, _ db: PGConnection) throws -> JSON {
        let totals = try RollupRepository(db).tagTotals(issueID: issueID, key: key)
        return .object([
            "key": .string(key), "name": .string(key),
            "totalValues": .int(totals?.total ?? 0), "uniqueValues": .int(totals?.uniqueValues ?? 0),
            "topValues": .array(try valuesJSON(issueID, key: key, limit: top, db)),
        ])
    }

    private func valuesJSON(_ issueID: Int64, key: String, limit: Int, _ db: PGConnection) throws -> [JSON] {
        try RollupRepository(db).tagValues(issueID: issueID, key: key, limit: limit).map { row in
            .object([
                "key": .string(key), "name": .string(row.value), "value": .string(row.value),
                "count": .int(row.count), "firstSeen": .string(Timestamp.format(row.firstSeen)),
                "lastSeen": .string(Timestamp.format(row.lastSeen)),
            ])
        }
    }

    private func activities(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let json = try await api.withConnection { db -> JSON in
            let (issue, _) = try issue(context, grant, db)
            return .object(["activity": .array(try activityJSON(issue.id, db))])
        }
        return JSONResponse.make(.ok, bytes: json.encoded())
    }

    /// `{"text": …}`: a comment, a `note` activity; answers with it in the activity shape.
    private func comment(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:write")
        let body = try await RequestBody.object(request)
        guard let text = body["text"]?.string else { throw QueryError.invalid("text", "This field is required.") }
        let json = try await api.withConnection { db in
            try db.transaction { tx -> JSON in
                let (issue, _) = try issue(context, grant, tx)
                try IssueComments.add(text, author: grant.userEmail, issueID: issue.id, tx)
                return try activityJSON(issue.id, tx).first ?? .null
            }
        }
        return JSONResponse.make(.created, bytes: json.encoded())
    }

    private func activityJSON(_ issueID: Int64, _ db: PGConnection) throws -> [JSON] {
        try IssueRepository(db).activities(issueID: issueID, limit: 100).map { activity in
            .object([
                "id": .string(String(activity.id)), "type": .string(activity.type),
                "data": (try? JSON.parse(activity.data)) ?? .object([:]),
                "dateCreated": .string(Timestamp.format(activity.createdAt)), "user": .null,
            ])
        }
    }
}
