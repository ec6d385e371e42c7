import Foundation
import Quotas
import Testing
@testable import Processor

@Suite struct OutcomeAggregationTests {
    static func record(_ timestamp: String, org: Int64? = 1, project: Int64 = 7, key: Int64? = 3, _ outcome: OutcomeKind = .accepted,
                       reason: String? = nil, category: DataCategory = .error, quantity: Int = 1) -> OutcomeRecord {
        var record = OutcomeRecord(timestamp: Date(), orgID: org, projectID: project, keyID: key, outcome: outcome, reason: reason,
                                   eventID: nil, remoteAddr: nil, category: category, quantity: quantity)
        record.timestamp = timestamp
        return record
    }

    @Test func recordsSumPerHourAndKeyInPrimaryKeyOrder() {
        let records = [
            Self.record("2026-01-02T03:59:59.999999Z"),
            Self.record("2026-01-02T03:00:00Z"),
            Self.record("2026-01-02T04:00:00.000001Z"),
            Self.record("2026-01-02T03:10:00Z", .rateLimited, reason: "quota_exceeded"),
            Self.record("2026-01-02T03:20:00Z", key: nil, category: .attachment, quantity: 500),
            Self.record("2026-01-02T03:21:00Z", key: nil, category: .attachment, quantity: 250),
            Self.record("2026-01-02T03:30:00Z", project: 2),
        ]
        let result = OutcomeAggregation.aggregate(records, organizations: [:])
        let threeOClock: Int64 = 1_767_322_800 // 2026-01-02T03:00:00Z
        #expect(result.unattributed == 0)
        #expect(result.rows.map(\.key) == [
            .init(projectID: 2, hour: threeOClock, category: 1, outcome: 0, reason: "", keyID: 3),
            .init(projectID: 7, hour: threeOClock, category: 1, outcome: 0, reason: "", keyID: 3),
            .init(projectID: 7, hour: threeOClock, category: 1, outcome: 2, reason: "quota_exceeded", keyID: 3),
            .init(projectID: 7, hour: threeOClock, category: 4, outcome: 0, reason: "", keyID: 0),
            .init(projectID: 7, hour: threeOClock + 3600, category: 1, outcome: 0, reason: "", keyID: 3),
        ])
        #expect(result.rows.map(\.totals.quantity) == [1, 2, 1, 750, 1])
        #expect(result.rows.map(\.totals.timesSeen) == [1, 2, 1, 2, 1])
    }

    @Test func aMissingOrganizationComesFromTheProjectOrTheRecordIsUnattributed() {
        let records = [Self.record("2026-01-02T03:00:00Z", org: nil, project: 7), Self.record("2026-01-02T03:00:00Z", org: nil, project: 8)]
        let result = OutcomeAggregation.aggregate(records, organizations: [7: 42])
        #expect(result.rows.count == 1)
        #expect(result.rows.first?.totals.organizationID == 42)
        #expect(result.unattributed == 1)
    }

    @Test func outcomeMessagesDecodeAsRelayWritesThemAndBadOnesAreRefused() throws {
        let json = #"{"timestamp":"2026-11-22T03:00:00.123456Z","org_id":1,"project_id":1,"key_id":1,"outcome":1,"reason":"localhost","event_id":"9ec79c33ec9942ab8353589fcb2e04dc","category":1,"quantity":1}"#
        let record = try OutcomeMessage.decode(Array(json.utf8))
        #expect(record.outcome == .filtered && record.reason == "localhost" && record.category == 1)
        #expect(OutcomeMessage.projectID(of: Array(json.utf8)) == 1)
        #expect(throws: OutcomeMessage.DecodeError.self) { try OutcomeMessage.decode(Array("not json".utf8)) }
        #expect(throws: OutcomeMessage.DecodeError.self) {
            try OutcomeMessage.decode(Array(#"{"timestamp":"yesterday","project_id":1,"outcome":0,"category":1,"quantity":1}"#.utf8))
        }
        #expect(throws: OutcomeMessage.DecodeError.self) {
            try OutcomeMessage.decode(Array(#"{"timestamp":"2026-11-22T03:00:00Z","project_id":1,"outcome":0,"category":1,"quantity":-1}"#.utf8))
        }
    }
}
