import Foundation
import Postgres
import Store

/// Counts of events, issues and distinct users per time bucket and group, read by
/// `EventRepository.counts` from the events of the range (their day partitions only) under a
/// statement timeout and a row limit; the search filter is compiled here.
struct AggregateStore {
    let db: PGConnection

    typealias Row = EventRepository.Count

    func counts(_ aggregate: AggregateRequest, projectIDs: [Int64], userEmail: String?, rowLimit: Int) throws -> [Row] {
        try EventRepository(db).counts(projectIDs: projectIDs, start: aggregate.start, end: aggregate.end, interval: aggregate.interval,
                                       groupBy: aggregate.groupBy, rowLimit: rowLimit) { builder in
            try SearchFilterSQL.compile(aggregate.query, target: .events, userEmail: userEmail, builder: &builder)
        }
    }
}
