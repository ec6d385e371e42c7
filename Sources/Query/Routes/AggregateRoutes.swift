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
            let result = try AggregateStore(db: db).counts(aggregate, projectIDs: projects.map(\.id), userEmail: grant.userEmail,
                                                           rowLimit: Self.rowLimit)
            let slugs = Dictionary(uniqueKeysWithValues: projects.map { ($0.id, $0.slug) })
            let header = ["time"] + aggregate.groupBy.map(\.name) + ["events", "issues", "users"]
            let rows = result.map { row -> [JSON] in
                var values: [JSON] = [.string(Timestamp.format(row.bucket))]
                for (index, dimension) in aggregate.groupBy.enumerated() {
                    let text = row.groups[index]
                    switch dimension {
                    case .project: values.append(text.flatMap { Int64($0) }.flatMap { slugs[$0] }.map(JSON.string) ?? .null)
                    case .issue: values.append(text.flatMap { Int64($0) }.map(JSON.int) ?? .null)
                    default: values.append(text.map(JSON.string) ?? .null)
                    }
                }
                return values + [.int(row.events), .int(row.issues), .int(row.users)]
            }
            return (header, rows)
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
