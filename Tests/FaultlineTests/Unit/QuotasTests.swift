import Foundation
@testable import Quotas
import Testing

@Suite struct QuotasTests {
    @Test func rateLimitHeaderFollowsSentrysGrammar() {
        let header = ActiveRateLimit.header([
            ActiveRateLimit(retryAfter: 60, categories: [.error, .attachment], scope: "project"),
            ActiveRateLimit(retryAfter: 2700, categories: [.transaction], scope: "key", reasonCode: "usage_exceeded"),
        ])
        #expect(header == "60:error;attachment:project:quota_exceeded, 2700:transaction:key:usage_exceeded")
    }

    @Test func windowsAlignToTheEpochAndSlicesStayBounded() {
        let limit = QuotaLimit(id: 1, keyID: nil, category: .error, windowSeconds: 60, maxQuantity: 100)
        #expect(limit.windowStart(at: 1_700_000_030) == 1_699_999_980)
        #expect(limit.secondsLeft(at: 1_700_000_030) == 10)
        #expect(limit.slice == 5)
        #expect(QuotaLimit(id: 1, keyID: 9, category: .error, windowSeconds: 60, maxQuantity: 3).slice == 1)
        #expect(QuotaLimit(id: 1, keyID: 9, category: .error, windowSeconds: 60, maxQuantity: 10_000_000).slice == 1000)
        #expect(QuotaLimit(id: 1, keyID: 9, category: .error, windowSeconds: 60, maxQuantity: 3).scope == "key")
    }

    @Test func globsMatchCaseInsensitively() {
        #expect(GlobPattern("*ConnectionError*").matches("requests.exceptions.connectionerror: refused"))
        #expect(GlobPattern("1.0-beta?").matches("1.0-BETA3"))
        #expect(!GlobPattern("1.0-beta?").matches("1.0-beta33"))
        #expect(GlobPattern("*").matches(""))
        #expect(!GlobPattern("a*b").matches("ac"))
    }

    @Test func categoriesOfItems() {
        #expect(DataCategory.of(itemType: "event", payloadSize: 10)! == (.error, 1))
        #expect(DataCategory.of(itemType: "attachment", payloadSize: 10)! == (.attachment, 10))
        #expect(DataCategory.of(itemType: "client_report", payloadSize: 10) == nil)
        #expect(DataCategory.error.id == 1)
        #expect(DataCategory.attachment.id == 4)
    }

    @Test func outcomesEncodeLikeRelays() throws {
        let record = OutcomeRecord(timestamp: Date(timeIntervalSince1970: 1_569_750_400.123456), orgID: 1, projectID: 2, keyID: nil,
                                   outcome: .filtered, reason: "localhost", eventID: nil, remoteAddr: nil, category: .error, quantity: 1)
        let text = String(decoding: record.encoded(), as: UTF8.self)
        #expect(text == #"{"category":1,"org_id":1,"outcome":1,"project_id":2,"quantity":1,"reason":"localhost","timestamp":"2019-09-29T09:46:40.123456Z"}"#)
    }

    @Test func outcomesRoundTripAndTimestampsMatchTheFormatString() throws {
        let record = OutcomeRecord(timestamp: Date(), orgID: 3, projectID: 4, keyID: 5, outcome: .invalid,
                                   reason: "unsupported_item:a/\"b\"\n\u{1}é", eventID: "0123456789abcdef0123456789abcdef",
                                   remoteAddr: "2001:db8::1", category: .attachment, quantity: 12_345)
        #expect(try JSONDecoder().decode(OutcomeRecord.self, from: Data(record.encoded())) == record)
        for seconds in [0, 1, 59.999_999_4, 951_782_400, 1_700_000_000.5, 4_102_444_799.999_999, 253_402_300_799, 253_402_300_800, -1.5] {
            let date = Date(timeIntervalSince1970: seconds)
            let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
            var whole = time_t(micros / 1_000_000)
            var parts = tm()
            gmtime_r(&whole, &parts)
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                                  Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros % 1_000_000)
            let record = OutcomeRecord(timestamp: date, orgID: nil, projectID: 1, keyID: nil, outcome: .accepted, reason: nil,
                                       eventID: nil, remoteAddr: nil, category: .error, quantity: 1)
            #expect(record.timestamp == expected, "\(seconds)")
        }
    }

    @Test func browserExtensionFilter() {
        let filters = InboundFilters(browserExtensions: true)
        let subject = InboundFilters.Subject(messages: ["TypeError: x"], release: nil, userIP: nil, requestURL: nil,
                                             frameURLs: ["chrome-extension://abcdef/content.js"])
        #expect(filters.reason(for: subject) == "browser-extensions")
        let clean = InboundFilters.Subject(messages: ["TypeError: x"], release: nil, userIP: nil, requestURL: nil,
                                           frameURLs: ["https://example.com/app.js"])
        #expect(filters.reason(for: clean) == nil)
    }

    @Test func filterPatternsAreCompiledOnceAndBoundedAtLoad() throws {
        let long = String(repeating: "a", count: InboundFilters.maxPatternLength + 1)
        let json = "{\"error_messages\": [\"\(long)\"" + String(repeating: ", \"*boom*\"", count: 150) + "], \"releases\": [\"1.*\"]}"
        var filters = try JSONDecoder().decode(InboundFilters.self, from: Data(json.utf8))
        #expect(filters.errorMessages.count == 151)
        #expect(filters.compiledCounts.errorMessages == InboundFilters.maxPatterns)
        #expect(filters.compiledCounts.releases == 1)
        let subject = InboundFilters.Subject(messages: ["a BOOM here"], release: "2.0", userIP: nil, requestURL: nil, frameURLs: [])
        #expect(filters.reason(for: subject) == "error-message")
        // Changing the patterns compiles them again.
        filters.errorMessages = ["nothing*"]
        filters.releases = ["2.*"]
        #expect(filters.compiledCounts.errorMessages == 1)
        #expect(filters.reason(for: subject) == "release-version")
    }
}
