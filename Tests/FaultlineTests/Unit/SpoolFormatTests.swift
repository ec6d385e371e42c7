import Testing
@testable import Spool

/// The spool's on-disk pieces, pure: CRC-32C, record framing, segment header and names, and the
/// relay's record payload. Every decoder gets hostile bytes and must say no without trapping.
@Suite struct SpoolFormatTests {
    @Test func crc32cMatchesPublishedVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum(Array(0..<32)) == 0x46DD_794E)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func crc32cIsTheSameInPieces() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let whole = CRC32C.checksum(bytes)
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            var crc = CRC32C()
            crc.update(bytes[..<split])
            crc.update(bytes[split...])
            #expect(crc.value == whole)
        }
    }

    private func frame(_ sequence: UInt64, _ payload: [UInt8]) -> [UInt8] {
        var buffer: [UInt8] = []
        SpoolRecordFrame.encode(sequence: sequence, payload: payload, into: &buffer)
        return buffer
    }

    private func decode(_ bytes: [UInt8], max: Int = 1024, expected: UInt64? = 7) -> SpoolRecordFrame.Decoded {
        bytes.withUnsafeBytes { SpoolRecordFrame.decode($0, maxPayload: max, expectedSequence: expected) }
    }

    @Test func recordFrameRoundTrip() {
        let bytes = frame(7, [1, 2, 3])
        #expect(bytes.count == 19)
        #expect(Array(bytes[0..<4]) == [3, 0, 0, 0])
        #expect(decode(bytes) == .record(sequence: 7, payload: 16..<19, size: 19))
        #expect(decode(frame(7, [])) == .record(sequence: 7, payload: 16..<16, size: 16))
        #expect(decode(bytes + [9, 9]) == .record(sequence: 7, payload: 16..<19, size: 19))
    }

    @Test func recordFrameRejectsDamage() {
        let bytes = frame(7, Array(repeating: 0xAB, count: 40))
        for cut in [0, 5, 15, 16, 55] {
            if case .incomplete = decode(Array(bytes.prefix(cut))) {} else { Issue.record("prefix \(cut) not incomplete") }
        }
        for position in [4, 8, 16, 30, 55] {  // checksum, sequence, payload
            var flipped = bytes
            flipped[position] ^= 0x01
            if case .invalid = decode(flipped) {} else { Issue.record("flip at \(position) not caught") }
        }
        if case .invalid = decode(bytes, expected: 8) {} else { Issue.record("wrong sequence accepted") }
        #expect(decode(bytes, expected: nil) == .record(sequence: 7, payload: 16..<56, size: 56))
    }

    @Test func recordLengthFromDiskIsCapped() {
        var bytes = frame(7, [1, 2, 3])
        bytes.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        if case .invalid = decode(bytes) {} else { Issue.record("length 2^32-1 accepted") }
        bytes.replaceSubrange(0..<4, with: [0x01, 0x04, 0, 0])  // 1025, one above the limit
        if case .invalid = decode(bytes) {} else { Issue.record("length over the limit accepted") }
        bytes.replaceSubrange(0..<4, with: [0x00, 0x04, 0, 0])  // 1024: allowed, but not there
        #expect(decode(bytes) == .incomplete(needed: 1040))
    }

    @Test func segmentHeaderRoundTripAndDamage() {
        let header = SpoolSegmentHeader(firstSequence: 42, createdMillis: 1_795_316_470_950)
        let bytes = header.encoded()
        #expect(bytes.count == SpoolSegmentHeader.size)
        #expect(Array(bytes[0..<8]) == Array("FLTSPOOL".utf8))
        #expect(bytes.withUnsafeBytes { SpoolSegmentHeader.decode($0) } == .success(header))
        #expect(bytes.prefix(31).withUnsafeBytes { SpoolSegmentHeader.decode(UnsafeRawBufferPointer($0)) } == .failure(.short(31)))
        var damaged = bytes
        damaged[0] = UInt8(ascii: "X")
        #expect(damaged.withUnsafeBytes { SpoolSegmentHeader.decode($0) } == .failure(.badMagic))
        damaged = bytes
        damaged[8] = 2
        #expect(damaged.withUnsafeBytes { SpoolSegmentHeader.decode($0) } == .failure(.unsupportedVersion(2)))
        damaged = bytes
        damaged[20] ^= 0x10
        #expect(damaged.withUnsafeBytes { SpoolSegmentHeader.decode($0) } == .failure(.checksumMismatch))
    }

    @Test func segmentFileNames() {
        #expect(SpoolSegmentHeader.fileName(firstSequence: 1) == "00000000000000000001.seg")
        #expect(SpoolSegmentHeader.fileName(firstSequence: UInt64.max) == "18446744073709551615.seg")
        #expect(SpoolSegmentHeader.firstSequence(fileName: "00000000000000001234.seg") == 1234)
        for odd in ["1.seg", "0000000000000000000a.seg", "99999999999999999999.seg", "00000000000000000001.seg.corrupt",
                    "00000000000000000001.SEG", "+0000000000000000001.seg", "notes.txt", "", ".seg"] {
            #expect(SpoolSegmentHeader.firstSequence(fileName: odd) == nil, "\(odd)")
        }
    }

    @Test func batchRoundTrip() throws {
        let batch = SpoolBatch(messages: [
            .init(topic: "ingest-events", key: Array("9ec79c33ec9942ab8353589fcb2e04dc".utf8), value: Array("{}".utf8)),
            .init(topic: "outcomes", key: nil, value: Array("{\"outcome\":0}".utf8)),
            .init(topic: "ingest-attachments", key: [], value: []),
        ])
        let bytes = try batch.encoded()
        #expect(bytes[0] == 1)
        #expect(try SpoolBatch.decode(bytes) == batch)
        #expect(try SpoolBatch.decode(try SpoolBatch(messages: []).encoded()) == SpoolBatch(messages: []))
    }

    @Test func batchRejectsHostileBytes() throws {
        let bytes = try SpoolBatch(messages: [.init(topic: "outcomes", key: [1, 2], value: [3, 4, 5])]).encoded()
        for cut in 0..<bytes.count {  // every truncation fails cleanly
            #expect(throws: SpoolBatch.DecodingError.self) { try SpoolBatch.decode(Array(bytes.prefix(cut))) }
        }
        #expect(throws: SpoolBatch.DecodingError.trailingBytes(1)) { try SpoolBatch.decode(bytes + [0]) }
        var version = bytes
        version[0] = 2
        #expect(throws: SpoolBatch.DecodingError.unsupportedVersion(2)) { try SpoolBatch.decode(version) }
        // A count of 2^32-1 with nothing behind it reserves nothing.
        #expect(throws: SpoolBatch.DecodingError.countTooLarge(UInt32.max)) { try SpoolBatch.decode([1, 0xFF, 0xFF, 0xFF, 0xFF]) }
        var lengths = bytes
        lengths.replaceSubrange(15..<19, with: [0xFE, 0xFF, 0xFF, 0xFF])  // key length 2^32-2
        #expect(throws: SpoolBatch.DecodingError.truncated) { try SpoolBatch.decode(lengths) }
        var topic = bytes
        topic[7] = 0xFF  // not UTF-8
        #expect(throws: SpoolBatch.DecodingError.invalidTopic) { try SpoolBatch.decode(topic) }
    }

    @Test func batchRefusesWhatItCannotEncode() {
        let topic = String(repeating: "t", count: 70_000)
        #expect(throws: SpoolBatch.EncodingError.topicTooLong(topic)) {
            try SpoolBatch(messages: [.init(topic: topic, key: nil, value: [])]).encoded()
        }
    }
}
