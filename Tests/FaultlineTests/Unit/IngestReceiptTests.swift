import EventModel
import Foundation
import Testing
@testable import Spool

/// The receipt a spooled message carries to Kafka, and the spool's id and release marks it rests on.
@Suite struct IngestReceiptTests {
    @Test func roundTripsAndRejectsOtherLengths() throws {
        let id = (0..<16).map { UInt8($0 * 17) }
        let receipt = try #require(IngestReceipt(spoolID: id, sequence: 0x0102_0304_0506_0708, index: 0x0A0B_0C0D))
        let bytes = receipt.encoded()
        #expect(bytes.count == IngestReceipt.size)
        #expect(Array(bytes[16...]) == [1, 2, 3, 4, 5, 6, 7, 8, 0x0A, 0x0B, 0x0C, 0x0D])
        #expect(IngestReceipt.decode(bytes) == receipt)
        #expect(IngestReceipt.decode(Array(bytes.dropLast())) == nil)
        #expect(IngestReceipt.decode(bytes + [0]) == nil)
        #expect(IngestReceipt.decode([]) == nil)
        #expect(IngestReceipt(spoolID: [1, 2], sequence: 1, index: 0) == nil)
        #expect(receipt.spoolUUID == "00112233-4455-6677-8899-aabbccddeeff")
        #expect(IngestReceipt.decode([UInt8](repeating: 0xFF, count: 28))?.sequence == UInt64.max)
    }

    @Test func spoolKeepsItsIdentityAndReplaysFromTheRecordedRelease() async throws {
        let fixture = try SpoolFixture()
        var spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        let identity = spool.identity
        #expect(identity.count == 16)
        #expect(spool.replayStart == 1)
        for index in 0..<9 { _ = try await spool.append(spoolPayload(index, size: 1100)) }
        try spool.release(upTo: 5)
        spool.close()
        spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        #expect(spool.identity == identity)
        #expect(spool.replayStart == 6)
        spool.close()
    }

    @Test func damagedMarksAreReplacedOrIgnored() async throws {
        let fixture = try SpoolFixture()
        var spool = try fixture.open()
        let identity = spool.identity
        for index in 0..<3 { _ = try await spool.append(spoolPayload(index, size: 10)) }
        try spool.release(upTo: 2)
        spool.close()
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/id"))
        try Data("99999999999999999999999\n".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/released"))
        spool = try fixture.open()
        #expect(spool.identity != identity && spool.identity.count == 16)
        #expect(spool.replayStart == 1, "an unreadable release mark replays everything")
        spool.close()
        // A mark past the end (the tail was cut, segments removed) replays nothing that is not
        // there, and new records do not reuse the sequences given out up to it.
        try Data("1000\n".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/released"))
        spool = try fixture.open()
        #expect(spool.replayStart == 1001)
        #expect(try await spool.append(spoolPayload(9, size: 10)) == 1001)
        #expect(try readAll(spool, from: 1).map(\.sequence) == [1, 2, 3, 1001])
        spool.close()
        spool = try fixture.open()
        #expect(try await spool.append(spoolPayload(10, size: 10)) == 1002)
        spool.close()
    }
}
