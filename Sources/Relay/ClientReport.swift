import EventModel
import Foundation
import Quotas

/// An SDK's client report (`discarded_events`), turned into `client_discard` outcomes.
enum ClientReport {
    static func outcomes(_ payload: [UInt8], context: IngestPlan.Context) -> [OutcomeRecord] {
        guard let report = try? JSON.parse(payload), let discarded = report["discarded_events"]?.array else { return [] }
        return discarded.compactMap { entry in
            guard let reason = entry["reason"]?.string, let quantity = entry["quantity"]?.int, quantity > 0 else { return nil }
            let category = entry["category"]?.string.flatMap(DataCategory.init(rawValue:)) ?? .default
            return OutcomeRecord(timestamp: context.received, orgID: context.organizationID, projectID: context.projectID,
                                 keyID: context.keyID, outcome: .clientDiscard, reason: reason, eventID: nil,
                                 remoteAddr: nil, category: category, quantity: Int(quantity))
        }
    }
}
