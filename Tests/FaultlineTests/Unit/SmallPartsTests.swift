import Core
import Kafka
import Processor
import Foundation
@testable import Postgres
import Testing
@testable import Query

@Suite struct SmallPartsTests {
    @Test func arrayLiteralsEscapeQuotesBackslashesAndNulls() {
        #expect(PGArray(["a", "b\"c", "d\\e", "{,}"]).pgText == #"{"a","b\"c","d\\e","{,}"}"#)
        #expect(PGArray([Optional("x"), nil]).pgText == #"{"x",NULL}"#)
        #expect(PGArray([Int64(1), 2]).pgText == #"{"1","2"}"#)
    }

    @Test func arrayLiteralsEscapeOnBytesWhateverTheCharacters() {
        #expect(PGArray([String]()).pgText == "{}")
        #expect(PGArray(["", "NULL"]).pgText == #"{"","NULL"}"#)
        // A quote followed by a combining mark is one Character; its quote is still escaped.
        #expect(PGArray(["\"\u{301}", "é\\ü", "日本\"語", "😀"]).pgText == "{\"\\\"\u{301}\",\"é\\\\ü\",\"日本\\\"語\",\"😀\"}")
        let json = #"{"a":"b\"c","d":[1,2]}"#
        #expect(PGArray([json, json]).pgText == #"{"{\"a\":\"b\\\"c\",\"d\":[1,2]}","{\"a\":\"b\\\"c\",\"d\":[1,2]}"}"#)
    }

    @Test func timestampsAndNulTestsOnBytes() {
        #expect(PGTimestamp.format(Date(timeIntervalSince1970: 1_700_000_000.123456)) == "2023-11-14 22:13:20.123456+00")
        #expect(PGTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
        #expect(PGTimestamp.format(Date(timeIntervalSince1970: -1.5)) == "1969-12-31 23:59:58.500000+00")
        // gmtime is proleptic Gregorian: Foundation's distantPast (Julian 0001-01-01) reads as 0000-12-30.
        #expect(PGTimestamp.format(.distantPast) == "0000-12-30 00:00:00.000000+00")
        #expect(PGConnection.containsNul("a\u{0}b"))
        #expect(PGConnection.containsNul(String(repeating: "é", count: 40) + "\u{0}"))
        #expect(!PGConnection.containsNul("abc"))
        #expect(!PGConnection.containsNul(""))
    }

    @Test func bytesAreHex() {
        #expect(PGBytes([0, 15, 255]).pgText == "\\x000fff")
    }

    @Test func shortIDsUseSentrysBase32() {
        #expect(ShortID.format(projectSlug: "web", number: 1) == "WEB-1")
        #expect(ShortID.format(projectSlug: "web", number: 32) == "WEB-10")
        #expect(ShortID.format(projectSlug: "web", number: 42) == "WEB-1A")
    }

    @Test func cursorsRoundTripAndLinkHeaderFollowsSentry() {
        #expect(Cursor("0:50:0") == Cursor(offset: 50))
        #expect(Cursor("junk") == nil)
        let link = Cursor.linkHeader(url: "http://h/api/0/x/?limit=25", offset: 0, limit: 25, hasMore: true)
        #expect(link.contains(#"rel="previous"; results="false"; cursor="0:0:0""#))
        #expect(link.contains(#"rel="next"; results="true"; cursor="0:25:0""#))
    }

    @Test func periodsAndCursors() throws {
        // Query syntax (`is:`, free text, bad values) is covered by IssueSearchTests.
        #expect(try PeriodParameter.statsPeriod("24h") == 86400)
        #expect(try PeriodParameter.statsPeriod("14d") == 14 * 86400)
        #expect(throws: QueryError.self) { try PeriodParameter.statsPeriod("3y") }
        #expect(throws: QueryError.self) { try PeriodParameter.statsPeriod("infd") }
        #expect(throws: QueryError.self) { try PeriodParameter.statsPeriod("1e12d") }
        #expect(throws: QueryError.self) { try PeriodParameter.statsPeriod("91d") }
        #expect(throws: QueryError.self) { try PeriodParameter.statsPeriod("3600") }
        #expect(PeriodParameter.seconds("3600") == 3600)
        #expect(Cursor("0:9223372036854775807:0") == nil)
        #expect(try Cursor.parse(nil) == Cursor(offset: 0))
        #expect(throws: QueryError.self) { try Cursor.parse("nonsense") }
    }

    @Test func configReadsEnvironment() throws {
        let config = try FaultlineConfig.fromEnvironment([
            "FAULTLINE_DATABASE_URL": "postgresql://x@db/y", "FAULTLINE_KAFKA_BROKERS": "k1:9092,k2:9092",
            "FAULTLINE_PORT": "7000", "FAULTLINE_TOPIC_EVENTS": "my-events",
            "FAULTLINE_KAFKA_SECURITY_PROTOCOL": "ssl", "FAULTLINE_ITEM_TOPIC_PROFILE": "ingest-profiles",
        ])
        #expect(config.topics.extraItemTopics == ["profile": "ingest-profiles"])
        #expect(config.topics.all.contains("ingest-profiles"))
        #expect(config.databaseURL == "postgresql://x@db/y")
        #expect(config.kafkaBrokers == "k1:9092,k2:9092")
        #expect(config.port == 7000)
        #expect(config.topics.events == "my-events")
        #expect(config.kafkaProperties["security.protocol"] == "ssl")
        #expect(config.baseURL(defaultPort: 9000) == "http://127.0.0.1:7000")
        #expect(throws: ConfigError.self) { try FaultlineConfig.fromEnvironment(["FAULTLINE_PORT": "eighty"]) }
    }
}

@Suite struct BatchContiguityTests {
    @Test func onlyGapFreeRunsOfEachPartitionAreKept() {
        func message(_ partition: Int32, _ offset: Int64) -> KafkaMessage {
            KafkaMessage(topic: "ingest-events", partition: partition, offset: offset, key: nil, value: [])
        }
        let (kept, resume) = Batch.contiguousRuns([message(0, 5), message(1, 9), message(0, 6), message(0, 8), message(0, 9), message(1, 10)])
        #expect(kept.map(\.offset) == [5, 9, 6, 10])
        #expect(resume == [TopicPartition(topic: "ingest-events", partition: 0): 7])
        let (all, none) = Batch.contiguousRuns([message(2, 0), message(2, 1), message(2, 1)])
        #expect(all.map(\.offset) == [0, 1])
        #expect(none.isEmpty)
    }
}
