import EventModel
import Foundation
import Quotas
import Testing
@testable import Processor

/// Sizes and numbers from SDKs made sane before anything reads them (`EventTrimming`,
/// `EventValueSanity`), and sums of client-reported quantities that saturate.
@Suite struct EventLimitsTests {
    func normalized(_ payload: String, received: Double = 1_700_000_000) throws -> JSON {
        let message = IngestMessage(metadata: .init(type: "event", eventID: nil, projectID: 1, keyID: 1, received: received,
                                                    clientIP: nil, sdk: nil, sentAt: nil), payload: Array(payload.utf8))
        return try JSON.parse(try EventPipeline.process(message).payload)
    }

    @Test func lineNumbersOutsideUnsigned64AreRemoved() throws {
        let event = try normalized("""
            {"exception":{"values":[{"type":"E","stacktrace":{"frames":[
              {"function":"a","lineno":9223372036854775807,"colno":3,"post_context":["x","y"]},
              {"function":"b","lineno":-1,"colno":1.5},
              {"function":"c","lineno":12.0,"colno":1e300},
              {"function":"d","lineno":"7","colno":null}]}}]}}
            """)
        let frames = event["exception"]?["values"]?.array?.first?["stacktrace"]?["frames"]?.array ?? []
        #expect(frames.count == 4)
        #expect(frames.map { $0["lineno"] } == [.int(.max), nil, .int(12), nil])
        #expect(frames.map { $0["colno"] } == [.int(3), nil, nil, nil])
    }

    @Test func timestampsNoDateCanHoldAreRemoved() throws {
        let event = try normalized("""
            {"message":"m","start_timestamp":1e300,
             "breadcrumbs":{"values":[{"timestamp":1e300,"message":"far"},{"timestamp":-1e20},{"timestamp":"2023-11-14T22:13:10Z"},
                                      {"timestamp":1699999999.5},{"timestamp":"yesterday"}]},
             "spans":[{"timestamp":1e308,"start_timestamp":1699999999}]}
            """)
        let crumbs = event["breadcrumbs"]?["values"]?.array ?? []
        #expect(crumbs.map { $0["timestamp"] } == [nil, nil, "2023-11-14T22:13:10Z", .double(1_699_999_999.5), nil])
        #expect(crumbs.first?["message"] == "far")
        #expect(event["start_timestamp"] == nil)
        #expect(event["spans"]?.array?.first?["timestamp"] == nil)
        #expect(event["spans"]?.array?.first?["start_timestamp"] == .int(1_699_999_999))
    }

    @Test func aReceivedTimeNoDateCanHoldIsAnError() {
        #expect(throws: EventFailure.self) { try normalized(#"{"message":"m"}"#, received: 1e300) }
        #expect(throws: EventFailure.self) { try normalized(#"{"message":"m"}"#, received: .infinity) }
    }

    @Test func stringsAreCutToSentrysLimits() throws {
        let long = String(repeating: "x", count: 1000)
        let event = try normalized("""
            {"message":"m","culprit":"\(long)","transaction":"\(long)","logger":"\(long)","server_name":"\(long)",
             "stacktrace":{"frames":[{"function":"\(long)","abs_path":"/\(long)","module":"\(long)"},
                                     {"function":"\(String(repeating: "f", count: 276))"}]}}
            """)
        #expect(event["transaction"]?.string?.count == 200)
        #expect(event["transaction"]?.string?.hasSuffix("...") == true)
        #expect(event["logger"]?.string?.count == 64)
        #expect(event["server_name"]?.string?.count == 256)
        let frames = event["stacktrace"]?["frames"]?.array ?? []
        #expect(frames.first?["function"]?.string?.count == 256)
        #expect(frames.first?["abs_path"]?.string?.count == 256)
        #expect(frames.first?["module"]?.string?.count == 1000)  // Sentry leaves module uncapped
        #expect(frames.last?["function"]?.string?.count == 276)   // within the allowance
    }

    @Test func dataBagsKeepSentrysDepthAndSize() throws {
        let ones = String(repeating: "1 ", count: 250_000)
        var nested = "\"leaf\""
        for _ in 0..<40 { nested = "{\"k\":\(nested)}" }
        let event = try normalized("""
            {"message":"m","extra":{"ones":"\(ones)","deep":\(nested)},
             "contexts":{"deep":\(nested),"trace":{"trace_id":"abc"}},
             "stacktrace":{"frames":[{"function":"f","vars":{"a":{"b":{"c":{"d":1}}},"s":"\(String(repeating: "v", count: 5000))"}}]}}
            """)
        let extraOnes = try #require(event["extra"]?["ones"]?.string)
        #expect(extraOnes.utf8.count <= 16_384)
        #expect(extraOnes.hasSuffix("..."))
        // Depth 7 from `extra`: six levels of objects, the last one as its JSON text.
        var level = event["extra"]?["deep"]
        var depth = 0
        while let next = level?["k"] { level = next; depth += 1 }
        #expect(depth == 5)
        #expect(level?.string?.hasPrefix("{\"k\":") == true)
        #expect(event["contexts"]?["trace"]?["trace_id"] == "abc")
        #expect((event["contexts"]?["deep"]?.encodedString().utf8.count ?? .max) < 8192)
        let vars = event["stacktrace"]?["frames"]?.array?.first?["vars"]
        #expect(vars?["a"]?["b"]?.string == #"{"c":{"d":1}}"#)
        #expect((vars?.encodedString().utf8.count ?? .max) <= 1100)
    }

    @Test func stackTracesKeepTheirLast250Frames() throws {
        let frames = (0..<1000).map { #"{"function":"f\#($0)"}"# }.joined(separator: ",")
        let event = try normalized(#"{"exception":{"values":[{"type":"E","stacktrace":{"frames":[\#(frames)]}}]}}"#)
        let kept = event["exception"]?["values"]?.array?.first?["stacktrace"]?["frames"]?.array ?? []
        #expect(kept.count == 250)
        #expect(kept.first?["function"] == "f750")
        #expect(kept.last?["function"] == "f999")
    }

    @Test func outcomeSumsSaturate() {
        func record(_ reason: String, _ quantity: Int) -> OutcomeRecord {
            var record = OutcomeRecord(timestamp: Date(), orgID: 1, projectID: 7, keyID: 3, outcome: .clientDiscard, reason: reason,
                                       eventID: nil, remoteAddr: nil, category: .error, quantity: quantity)
            record.timestamp = "2026-01-02T03:00:00Z"
            return record
        }
        let same = OutcomeAggregation.aggregate([record("queue_overflow", .max), record("queue_overflow", .max), record("queue_overflow", 1)],
                                                organizations: [:])
        #expect(same.rows.map(\.totals.quantity) == [.max])
        #expect(same.rows.map(\.totals.timesSeen) == [3])
        let different = OutcomeAggregation.aggregate([record("a", .max), record("b", .max)], organizations: [:])
        #expect(different.rows.map(\.totals.quantity) == [.max, .max])
    }
}
