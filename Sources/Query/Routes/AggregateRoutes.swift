import EventModel
import Foundation
import Hummingbird
import Postgres
import Store
import Web

/// `GET /api/0/organizations/{org}/aggregates/` (Faultline's own): counts of events, issues and
/// distinct users per hour or day, grouped by project, issue, release, environment, level or a
/// tag, filtered with the issue search syntax; JSON or CSV. Distinct users over arbitrary groups
/// cannot come from the rollups, so this one endpoint reads the events of the range (their day
/// partitions only), under a statement timeout and a row limit.
struct AggregateRoutes {
    let api: APIContext

    static let rowLimit = 10_000

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("organizations/:org/aggregates") { request, context in try await aggregates(request, context) }
    }

    private func aggregates(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("event:read")
        let org = try context.parameters.require("org")
        let aggregate = try AggregateRequest.parse(request.uri.queryParameters.map { (String($0.key), String($0.value)) })
        let projectFilter = request.uri.queryParameters.getAll("project").compactMap { Int64(String($0)) }.filter { $0 != -1 }
        let (header, rows) = try await api.withConnection { [api] db -> ([String], [[JSON]]) in
            let projects = try api.projects(of: try api.organization(grant, slug: org, db), db)
                .filter { projectFilter.isEmpty || projectFilter.contains($0.id) }
            var builder = SQLBuilder()
            var conditions = [
                "e.project_id = ANY(\(builder.bind(PGArray(projects.map(\.id))))::bigint[])",
                "e.timestamp >= \(builder.bind(aggregate.start))", "e.timestamp < \(builder.bind(aggregate.end))",
            ]
            if let filter = try SearchFilterSQL.compile(aggregate.query, target: .events, userEmail: grant.userEmail, builder: &builder) {
                conditions.append("(\(filter))")
            }
            let bucket = "to_timestamp(floor(extract(epoch FROM e.timestamp) / \(builder.bind(aggregate.interval))) * \(builder.bind(aggregate.interval)))"
            var groups = [bucket]
            for dimension in aggregate.groupBy {
                switch dimension {
                case .project: groups.append("e.project_id")
                case .issue: groups.append("e.issue_id")
                case .release: groups.append("e.release")
                case .environment: groups.append("e.environment")
                case .level: groups.append("e.level")
                case .tag(let key): groups.append("e.payload->'tags'->>\(builder.bind(key))")
                }
            }
            let selected = groups.enumerated().map { "\($0.element) AS g\($0.offset)" }.joined(separator: ", ")
            let positions = groups.indices.map { String($0 + 1) }.joined(separator: ", ")
            let limit = builder.bind(Self.rowLimit)
            return try db.transaction { tx in
                try tx.query("SET LOCAL statement_timeout = '10s'")
                let result = try tx.query("""
                    SELECT \(selected), count(*) AS events, count(DISTINCT e.issue_id) AS issues, count(DISTINCT e.user_key) AS users
                    FROM events e WHERE \(conditions.joined(separator: " AND "))
                    GROUP BY \(positions) ORDER BY \(positions) LIMIT \(limit)
                    """, builder.parameters)
                let slugs = Dictionary(uniqueKeysWithValues: projects.map { ($0.id, $0.slug) })
                let header = ["time"] + aggregate.groupBy.map(\.name) + ["events", "issues", "users"]
                let rows = try result.rows.map { row -> [JSON] in
                    var values: [JSON] = [.string(Timestamp.format(try row.date("g0")))]
                    for (index, dimension) in aggregate.groupBy.enumerated() {
                        let text = try row.optionalString("g\(index + 1)")
                        switch dimension {
                        case .project: values.append(text.flatMap { Int64($0) }.flatMap { slugs[$0] }.map(JSON.string) ?? .null)
                        case .issue: values.append(text.flatMap { Int64($0) }.map(JSON.int) ?? .null)
                        default: values.append(text.map(JSON.string) ?? .null)
                        }
                    }
                    return values + [.int(try row.int("events")), .int(try row.int("issues")), .int(try row.int("users"))]
                }
                return (header, rows)
            }
        }
        switch aggregate.format {
        case .csv:
            let lines = [header.map(AggregateRequest.csvField).joined(separator: ",")] + rows.map { row in
                row.map { value in
                    switch value {
                    case .string(let text): return AggregateRequest.csvField(text)
                    case .int(let number): return String(number)
                    default: return ""
                    }
                }.joined(separator: ",")
            }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")))
        case .json:
            let objects = rows.map { row in JSON.object(Dictionary(uniqueKeysWithValues: zip(header, row).map { ($0.0, $0.1) })) }
            return JSONResponse.make(.ok, bytes: JSON.object([
                "start": .string(Timestamp.format(aggregate.start)), "end": .string(Timestamp.format(aggregate.end)),
                "interval": .string(aggregate.interval == 3600 ? "hour" : "day"),
                "groupBy": .array(aggregate.groupBy.map { .string($0.name) }), "data": .array(objects),
            ]).encoded())
        }
    }
}
