import Foundation
import Testing
@testable import Spool

/// What the spool does at open with what a crash, a power cut or a bad disk left behind: a torn
/// or corrupt tail is cut (and logged with its size), corruption in an older segment is skipped,
/// odd files are ignored or set aside; it never refuses to open over them.
@Suite struct SpoolRecoveryTests {
    /// Ten 100-byte records (116 bytes each on disk) in one segment, spool closed.
    private func tenRecords(_ fixture: SpoolFixture) async throws {
        let spool = try fixture.open()
        for index in 0..<10 { _ = try await spool.append(spoolPayload(index)) }
        spool.close()
    }

    private let firstSegment = "00000000000000000001.seg"

    @Test func tornLastRecordIsCutAndSequencesContinue() async throws {
        let fixture = try SpoolFixture()
        try await tenRecords(fixture)
        try fixture.modify(firstSegment) { $0.removeLast(50) }  // power cut in the middle of record 10
        let spool = try fixture.open()
        #expect(spool.stats.bytesCutAtOpen == 66)
        #expect(try fixture.size(firstSegment) == 32 + 9 * 116)
        #expect(fixture.logs.all.contains { $0.contains("cut 66 bytes") })
        #expect(try readAll(spool).map(\.payload) == (0..<9).map { spoolPayload($0) })
        #expect(try await spool.append(spoolPayload(42)) == 10)
        spool.close()
        let reopened = try fixture.open()
        #expect(try readAll(reopened).map(\.sequence) == Array(1...10))
        reopened.close()
    }

    @Test func flippedByteInTheLastPayloadCutsThatRecord() async throws {
        let fixture = try SpoolFixture()
        try await tenRecords(fixture)
        try fixture.modify(firstSegment) { $0[$0.count - 10] ^= 0x40 }
        let spool = try fixture.open()
        #expect(spool.stats.bytesCutAtOpen == 116)
        #expect(fixture.logs.all.contains { $0.contains("cut 116 bytes") && $0.contains("after sequence 9") })
        #expect(try readAll(spool).count == 9)
        #expect(try await spool.append([7]) == 10)
        spool.close()
    }

    /// 2^32−1 is over the record limit; 1,000,000 is under the 1 MiB limit but runs past the
    /// file, which the reader must not trust either (nor allocate for).
    @Test(arguments: [([0xFF, 0xFF, 0xFF, 0xFF], "over the record limit"), ([0x40, 0x42, 0x0F, 0x00], "torn record: 116 of 1000016 bytes")])
    func lyingLengthFieldInTheTailIsCut(length: [UInt8], reason: String) async throws {
        let fixture = try SpoolFixture()
        try await tenRecords(fixture)
        let lastRecord = 32 + 9 * 116
        try fixture.modify(firstSegment) { $0.replaceSubrange(lastRecord..<(lastRecord + 4), with: length) }
        let spool = try fixture.open()
        #expect(spool.stats.bytesCutAtOpen == 116)
        #expect(fixture.logs.all.contains { $0.contains(reason) })
        #expect(try readAll(spool).count == 9)
        #expect(try await spool.append([1]) == 10)
        spool.close()
    }

    @Test func zeroFilledTailIsCut() async throws {  // a file extended by the crash but never written
        let fixture = try SpoolFixture()
        try await tenRecords(fixture)
        try fixture.modify(firstSegment) { $0.append(Data(count: 4096)) }
        let spool = try fixture.open()
        #expect(spool.stats.bytesCutAtOpen == 4096)
        #expect(try readAll(spool).count == 10)
        spool.close()
    }

    @Test func corruptRecordInAnOlderSegmentSkipsTheRestOfIt() async throws {
        let fixture = try SpoolFixture()
        var spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        for index in 0..<9 { _ = try await spool.append(spoolPayload(index, size: 1100)) }  // 1–3, 4–6, 7–9
        spool.close()
        try fixture.modify("00000000000000000004.seg") { $0[32 + 1116 + 100] ^= 0x01 }  // inside record 5
        spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        #expect(spool.stats.bytesCutAtOpen == 0)
        #expect(spool.stats.bytesSkippedAtOpen == 2 * 1116)
        #expect(spool.stats.corruptRecords == 1)
        #expect(fixture.logs.all.contains { $0.hasPrefix("error") && $0.contains("00000000000000000004.seg") && $0.contains("2232 bytes") })
        #expect(try readAll(spool).map(\.sequence) == [1, 2, 3, 4, 7, 8, 9])
        #expect(try await spool.append([1]) == 10)
        // The damaged segment still counts until released like any other.
        #expect(try spool.release(upTo: 6) == 2)
        spool.close()
    }

    @Test func emptyNewestSegmentIsRemoved() async throws {
        let fixture = try SpoolFixture()
        try await tenRecords(fixture)
        FileManager.default.createFile(atPath: fixture.path("00000000000000000011.seg"), contents: Data())
        let spool = try fixture.open()
        #expect(fixture.segmentFiles == [firstSegment])
        #expect(try await spool.append([1]) == 11)
        spool.close()
    }

    @Test func segmentWithABadHeaderIsSetAsideAndItsSequencesNotReused() async throws {
        let fixture = try SpoolFixture()
        try await tenRecords(fixture)
        FileManager.default.createFile(atPath: fixture.path("00000000000000000020.seg"),
                                       contents: Data(repeating: 0x41, count: 500))
        let spool = try fixture.open()
        #expect(spool.stats.corruptSegments == 1)
        #expect(FileManager.default.fileExists(atPath: fixture.path("00000000000000000020.seg.corrupt")))
        #expect(try readAll(spool).count == 10)
        #expect(try await spool.append([1]) == 20)
        #expect(fixture.segmentFiles == [firstSegment, "00000000000000000020.seg"])
        spool.close()
        let reopened = try fixture.open()
        #expect(try readAll(reopened).map(\.sequence) == Array(1...10) + [20])
        reopened.close()
    }

    @Test func headerThatContradictsTheFileNameIsSetAside() async throws {
        let fixture = try SpoolFixture()
        try await tenRecords(fixture)
        try FileManager.default.copyItem(atPath: fixture.path(firstSegment), toPath: fixture.path("00000000000000000030.seg"))
        let spool = try fixture.open()
        #expect(spool.stats.corruptSegments == 1)
        #expect(try readAll(spool).map(\.sequence) == Array(1...10))
        #expect(try await spool.append([1]) == 30)
        spool.close()
    }

    @Test func oddNamesInTheDirectoryAreIgnored() async throws {
        let fixture = try SpoolFixture()
        try await tenRecords(fixture)
        let odd = ["notes.txt", "123.seg", "00000000000000000001.seg.corrupt", "99999999999999999999.seg"]
        for name in odd { FileManager.default.createFile(atPath: fixture.path(name), contents: Data("x".utf8)) }
        try FileManager.default.createDirectory(atPath: fixture.path("00000000000000000050.seg"), withIntermediateDirectories: false)
        let spool = try fixture.open()
        #expect(try readAll(spool).count == 10)
        #expect(try await spool.append([1]) == 11)
        spool.close()
        for name in odd { #expect(FileManager.default.fileExists(atPath: fixture.path(name))) }
    }

    @Test func opensAnEmptyOrMissingDirectory() async throws {
        let fixture = try SpoolFixture()
        var configuration = fixture.configuration()
        configuration.directory = fixture.path("nested/spool")
        let spool = try Spool.open(configuration, logger: .init(label: "t"))
        #expect(spool.oldestSequence == 1)
        #expect(try await spool.append([1]) == 1)
        spool.close()
    }
}
