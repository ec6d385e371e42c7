import Foundation
import Hummingbird
import Store
import Web

/// `GET /api/0/organizations/{org}/stats_v2/`: outcomes (accepted, filtered, rate limited, …)
/// over time, from `outcomes_hourly`, as Sentry's usage stats answer them. Needs `org:read`.
struct StatsRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("organizations/:org/stats_v2") { request, context in try await stats(request, context) }
    }

    private func stats(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("org:read")
        let org = try context.parameters.require("org")
        var parameters: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key), default: []].append(String(value)) }
        let query = try StatsQuery.parse(parameters, now: Date())
        let rows = try await api.withConnection { [api] db in
            let organization = try api.organization(grant, slug: org, db)
            let own = try api.projects(of: organization, db).map(\.id)
            // Projects of another organization are not the caller's to ask about (Sentry: 403).
            if let asked = query.projectIDs, !asked.allSatisfy(own.contains) { throw QueryError.forbidden }
            return try OutcomeRepository(db).sums(organizationID: organization.id, projectIDs: query.projectIDs ?? own,
                                                  start: query.start, end: query.end, interval: query.interval,
                                                  categories: query.categories, outcomes: query.outcomes, reasons: query.reasons)
                .map(StatsResult.Row.init)
        }
        return JSONResponse.make(.ok, StatsResult.build(rows, query: query))
    }
}

extension StatsResult.Row {
    init(_ sum: OutcomeRepository.Sum) {
        self.init(projectID: sum.projectID, bucket: Int(truncatingIfNeeded: sum.bucket), category: Int(truncatingIfNeeded: sum.category),
                  outcome: Int(truncatingIfNeeded: sum.outcome), reason: sum.reason, quantity: sum.quantity, timesSeen: sum.timesSeen)
    }
}
