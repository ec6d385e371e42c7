import EventModel
import Foundation
import Postgres

/// Reads issues for the API. Every query is bounded by the caller's organization.
struct IssueStore {
    let db: PGConnection

    struct Page {
        let issues: [IssueJSON]
        let hasMore: Bool
    }

    struct Filter {
        var statuses: [String]?
        var text: String?
        var since: Date?
    }

    func list(projectID: Int64, filter: Filter, sort: String, limit: Int, offset: Int, baseURL: String,
              organizationSlug: String) throws -> Page {
        let order: String
        switch sort {
        case "new": order = "i.first_seen DESC, i.id DESC"
        case "freq": order = "i.times_seen DESC, i.id DESC"
        case "user": order = "i.user_count DESC, i.id DESC"
        default: order = "i.last_seen DESC, i.id DESC"
        }
        let rows = try db.query("""
            SELECT i.id, i.short_id, i.title, i.culprit, i.level, i.status, i.substatus, i.platform, i.type,
                   i.metadata->>'type' AS meta_type, i.metadata->>'value' AS meta_value,
                   i.times_seen, i.user_count, i.first_seen, i.last_seen, i.first_release, i.last_release,
                   p.id AS project_id, p.slug AS project_slug, p.name AS project_name, p.platform AS project_platform
            FROM issues i JOIN projects p ON p.id = i.project_id
            WHERE i.project_id = $1
              AND ($2::text[] IS NULL OR i.status = ANY($2::text[]))
              AND ($3::text IS NULL OR i.title ILIKE '%' || $3 || '%' OR i.culprit ILIKE '%' || $3 || '%')
              AND ($4::timestamptz IS NULL OR i.last_seen >= $4)
            ORDER BY \(order)
            LIMIT $5 OFFSET $6
            """, [projectID, filter.statuses.map(PGArray.init), filter.text, filter.since, limit + 1, offset])
        let issues = try rows.rows.prefix(limit).map { row -> IssueJSON in
            let id = try row.int("id")
            let projectSlug = try row.string("project_slug")
            return IssueJSON(
                id: String(id), shortId: ShortID.format(projectSlug: projectSlug, number: try row.int("short_id")),
                title: try row.string("title"), culprit: try row.string("culprit"),
                permalink: "\(baseURL)/organizations/\(organizationSlug)/issues/\(id)/",
                logger: nil, level: try row.string("level"), status: try row.string("status"),
                statusDetails: .init(), substatus: try row.string("substatus"), isPublic: false,
                platform: try row.optionalString("platform"),
                project: .init(id: String(try row.int("project_id")), name: try row.string("project_name"),
                               slug: projectSlug, platform: try row.optionalString("project_platform")),
                type: try row.string("type"),
                metadata: .init(type: try row.optionalString("meta_type"), value: try row.optionalString("meta_value"),
                                title: try row.string("title")),
                numComments: 0, assignedTo: nil, isBookmarked: false, isSubscribed: false, hasSeen: false,
                annotations: [], issueType: "error", issueCategory: "error",
                count: String(try row.int("times_seen")), userCount: try row.int("user_count"),
                firstSeen: Timestamp.format(try row.date("first_seen")), lastSeen: Timestamp.format(try row.date("last_seen")),
                firstRelease: try row.optionalString("first_release"), lastRelease: try row.optionalString("last_release"))
        }
        return Page(issues: Array(issues), hasMore: rows.count > limit)
    }
}
