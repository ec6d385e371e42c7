import EventModel
import Foundation
import Testing

@Suite struct TimestampTests {
    @Test func parsesTheFormsSDKsSend() throws {
        let reference = try #require(ISO8601DateFormatter().date(from: "2024-02-29T23:59:58Z")).timeIntervalSince1970
        #expect(Timestamp.parse("2024-02-29T23:59:58Z")?.timeIntervalSince1970 == reference)
        #expect(Timestamp.parse("2024-02-29T23:59:58")?.timeIntervalSince1970 == reference)
        #expect(Timestamp.parse("2024-03-01T01:59:58+02:00")?.timeIntervalSince1970 == reference)
        #expect(Timestamp.parse("2024-02-29T20:29:58-0330")?.timeIntervalSince1970 == reference)
        let fractional = try #require(Timestamp.parse("2024-02-29T23:59:58.250123Z")).timeIntervalSince1970
        #expect(abs(fractional - reference - 0.250123) < 1e-6)
        #expect(Timestamp.parse("1969-12-31T23:59:59Z")?.timeIntervalSince1970 == -1)
        #expect(Timestamp.parse("1970-01-01 00:00:00Z")?.timeIntervalSince1970 == 0)
    }

    @Test func rejectsWhatIsNotATimestamp() {
        for text in ["", "2024", "2024-13-01T00:00:00Z", "2024-01-01T25:00:00Z", "2024-01-01T00:00:00.Z",
                     "2024-01-01T00:00:00Zjunk", "yesterday", "2024-01-01T00:00:00+0x:00"] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
    }

    @Test func formatsAsSentrysAPIDoes() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for seconds in [0.0, 1.5, 951_782_400.25, 1_700_000_000.999, 4_102_444_799.0, -86_400.5, 1_709_251_199.123] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.format(date) == formatter.string(from: date), "\(seconds)")
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_709_164_800)) == "2024-02-29T00:00:00.000Z")
    }
}
