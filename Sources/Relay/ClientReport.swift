import EventModel
import Foundation
import Quotas

/// An SDK's client report (`discarded_events`), turned into `client_discard` outcomes.
enum ClientReport {
    /// Largest quantity one discard entry may claim. Sentry's relay reads it as a `u32`, so a
    /// report claiming more does not parse there and is dropped whole; Faultline does the same,
    /// which also keeps any sum of a report's quantities far from `Int` overflow.
    static let maxQuantity = Int64(UInt32.max)

    static func outcomes(_ payload: [UInt8], context: IngestPlan.Context) -> [OutcomeRecord] {
        guard let report = try? JSON.parse(payload), let discarded = report["discarded_events"]?.array else { return [] }
        var outcomes: [OutcomeRecord] = []
        for entry in discarded {
            guard let reason = entry["reason"]?.string, let quantity = entry["quantity"]?.int else { continue }
            guard quantity <= maxQuantity else { return [] }
            guard quantity > 0 else { continue }
            let category = entry["category"]?.string.flatMap(DataCategory.init(rawValue:)) ?? .default
            outcomes.append(OutcomeRecord(timestamp: context.received, orgID: context.organizationID, projectID: context.projectID,
                                          keyID: context.keyID, outcome: .clientDiscard, reason: reason, eventID: nil,
                                          remoteAddr: nil, category: category, quantity: Int(quantity)))
        }
        return outcomes
    }
}
