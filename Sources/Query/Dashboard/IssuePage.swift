import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// One issue (`/ui/ORG/issues/ID/?event=latest|oldest|EVENT_ID`): its facts and actions, charts
/// over 24 hours and 14 days, tag distributions, the chosen event with navigation to the others,
/// activity and comments; its events a page at a time; an event's raw JSON.
struct IssuePage {
    let api: APIContext

    func render(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let org = try context.parameters.require("org")
        let reference = try context.parameters.require("issue")
        let which = PageQuery(request.uri.query)["event"] ?? "latest"
        let user = context.user
        let csrf = DashboardRoutes.csrf(request)

        struct Loaded: @unchecked Sendable {
            var issue: IssueRecord, project: Project, nav: Navigation
            var event: EventRecord?, neighbours: (previous: String?, next: String?)
            var day: [Int64], fortnight: [Int64]
            var tags: [RollupRepository.TagValue], assignees: [(String, String)], activity: [IssueRepository.Activity]
            var trace: [EventRecord]
        }
        let loaded = try await api.withConnection { [api] db -> Loaded in
            let organization = try api.organization(grant, slug: org, db)
            let (issue, project) = try api.issue(grant, organization: org, reference: reference, db)
            let all = try api.projects(of: organization, db)
            let nav = try DashboardRoutes.navigation(user: user, organization: organization, projects: all,
                                                     project: project.slug, section: .issues, db)
            let events = EventStore(db: db)
            let event: EventRecord?
            switch which {
            case "oldest": event = try events.event(issue: issue, .oldest)
            case "latest": event = try events.event(issue: issue, .latest)
            default: event = try events.event(projectIDs: [project.id], eventID: which).flatMap { $0.issueID == issue.id ? $0 : nil }
            }
            let neighbours = try event.map { try events.neighbours(of: $0) } ?? (nil, nil)
            let trace = try event?.traceID.map { try events.events(traceID: $0, projectIDs: all.map(\.id), limit: 20) } ?? []
            let store = IssueStore(db: db)
            let day = try store.stats(issueIDs: [issue.id], period: .day)[issue.id] ?? []
            let fortnight = try store.stats(issueIDs: [issue.id], period: .fortnight)[issue.id] ?? []
            return Loaded(issue: issue, project: project, nav: nav, event: event, neighbours: neighbours,
                          day: day.compactMap { $0.last }, fortnight: fortnight.compactMap { $0.last },
                          tags: try RollupRepository(db).topTagValues(issueID: issue.id, perKey: 5),
                          assignees: try DashboardRoutes.assignees(organizationID: organization.id, db),
                          activity: try IssueRepository(db).activities(issueID: issue.id, limit: 100),
                          trace: trace.filter { $0.eventID != event?.eventID })
        }
        let issue = loaded.issue
        if which != "latest" && which != "oldest" && loaded.event == nil { throw QueryError.notFound }
        let shortID = ShortID.format(projectSlug: loaded.project.slug, number: issue.shortID)
        var page: [String: Any] = [
            "org": org, "id": issue.id, "csrf": csrf, "shortID": shortID, "title": issue.title, "culprit": issue.culprit,
            "level": issue.level, "status": issue.status, "projectSlug": loaded.project.slug, "projectName": loaded.project.name,
            "events": issue.timesSeen, "users": issue.userCount,
            "firstSeen": Timestamp.format(issue.firstSeen), "lastSeen": Timestamp.format(issue.lastSeen),
            "unresolved": issue.status == "unresolved", "lastReleaseValue": issue.lastRelease ?? "",
            "statusButtons": IssueActions.buttons(status: issue.status).map { ["value": $0.0, "label": $0.1] },
            "assignees": loaded.assignees.map { value, label in
                ["value": value, "label": label, "selected": IssueActions.isAssigned(issue.assignedTo, value: value, label: label)] as [String: Any]
            },
            "chartDay": SVGChart.chart(loaded.day, label: "Events per hour, last 24 hours"),
            "chartFortnight": SVGChart.chart(loaded.fortnight, label: "Events per day, last 14 days"),
            "tags": Self.tags(loaded.tags, total: issue.timesSeen),
            "activity": loaded.activity.map(Self.activity),
        ]
        if !issue.substatus.isEmpty { page["substatus"] = issue.substatus }
        if let release = issue.firstRelease { page["firstRelease"] = release }
        if let release = issue.lastRelease { page["lastRelease"] = release }
        if let release = issue.resolvedInRelease { page["resolvedIn"] = release }
        if let assignee = issue.assignedTo { page["assignedTo"] = assignee }
        if let previous = loaded.neighbours.previous { page["previousEvent"] = previous }
        if let next = loaded.neighbours.next { page["nextEvent"] = next }
        if let event = loaded.event {
            var view = EventView.context(event, org: org, issueID: issue.id)
            if !loaded.trace.isEmpty, var sections = view["sections"] as? [[String: Any]],
               let index = sections.firstIndex(where: { $0["anchor"] as? String == "context-trace" }) {
                sections[index]["traceEvents"] = ["list": loaded.trace.map { ["issueID": $0.issueID, "eventID": $0.eventID, "title": $0.title] }]
                view["sections"] = sections
            }
            page["event"] = view
        }
        return HTML.page(shortID, template: "issue", page, csrf: csrf, nav: loaded.nav)
    }

    /// Tag keys with their top values as shares of the issue's events.
    static func tags(_ values: [RollupRepository.TagValue], total: Int64) -> [[String: Any]] {
        var order: [String] = []
        var byKey: [String: [[String: Any]]] = [:]
        for value in values {
            if byKey[value.key] == nil { order.append(value.key) }
            let share = total > 0 ? min(100, max(0, Int((Double(value.count) / Double(total) * 100).rounded()))) : 0
            byKey[value.key, default: []].append(["value": value.value, "count": value.count, "percent": share])
        }
        return order.map { ["key": $0, "values": byKey[$0] ?? []] }
    }

    /// An activity as a line: its kind, and a comment's text or the release it names.
    static func activity(_ activity: IssueRepository.Activity) -> [String: Any] {
        let data = (try? JSON.parse(activity.data))?.object ?? [:]
        var text = data["text"]?.string ?? data["version"]?.string ?? ""
        if activity.type == "note", let author = data["author"]?.string { text = "\(author): \(text)" }
        return ["date": Timestamp.format(activity.createdAt), "kind": activity.type.replacingOccurrences(of: "_", with: " "),
                "text": EventView.clip(text)]
    }

    /// The issue's events, newest first, 50 a page.
    func events(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let org = try context.parameters.require("org")
        let reference = try context.parameters.require("issue")
        let cursor = try Cursor.parse(PageQuery(request.uri.query)["cursor"])
        let user = context.user
        let csrf = DashboardRoutes.csrf(request)
        struct Loaded: @unchecked Sendable { var issue: IssueRecord, project: Project, nav: Navigation, events: [EventRecord], more: Bool }
        let loaded = try await api.withConnection { [api] db -> Loaded in
            let organization = try api.organization(grant, slug: org, db)
            let (issue, project) = try api.issue(grant, organization: org, reference: reference, db)
            let nav = try DashboardRoutes.navigation(user: user, organization: organization, projects: try api.projects(of: organization, db),
                                                     project: project.slug, section: .issues, db)
            let (events, more) = try EventStore(db: db).events(issueID: issue.id, limit: 50, offset: cursor.offset)
            return Loaded(issue: issue, project: project, nav: nav, events: events, more: more)
        }
        let path = "/ui/\(org)/issues/\(loaded.issue.id)/events/"
        var page: [String: Any] = [
            "org": org, "id": loaded.issue.id, "title": loaded.issue.title,
            "shortID": ShortID.format(projectSlug: loaded.project.slug, number: loaded.issue.shortID),
            "rows": loaded.events.map { event in
                ["eventID": event.eventID, "time": Timestamp.format(event.timestamp), "release": event.release ?? "",
                 "environment": event.environment ?? "", "user": event.userKey ?? ""]
            },
        ]
        if cursor.offset > 0 { page["previous"] = path + "?cursor=" + Cursor(offset: cursor.offset - 50).text }
        if loaded.more { page["next"] = path + "?cursor=" + Cursor(offset: cursor.offset + 50).text }
        return HTML.page("Events", template: "events", page, csrf: csrf, nav: loaded.nav)
    }

    /// An event as the API's JSON (the issue page's "Raw JSON" link; the API's own path needs a token).
    func rawJSON(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let org = try context.parameters.require("org")
        let reference = try context.parameters.require("issue")
        let eventID = try context.parameters.require("event")
        let json = try await api.withConnection { [api] db -> JSON in
            let (issue, project) = try api.issue(grant, organization: org, reference: reference, db)
            guard let event = try EventStore(db: db).event(projectIDs: [project.id], eventID: eventID), event.issueID == issue.id else {
                throw QueryError.notFound
            }
            return EventJSON.full(event)
        }
        return JSONResponse.make(.ok, bytes: json.encoded(), headers: [.contentDisposition: "inline"])
    }
}
