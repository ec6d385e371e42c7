import Foundation

/// The 32 bytes at the start of every segment file (pure). Little-endian:
///
///     [magic "FLTSPOOL" 8 bytes][version u32 = 1][crc32c u32 of the next 16 bytes]
///     [first sequence u64][created, Unix milliseconds u64]
///
/// The first sequence repeats the file name (a renamed or copied file is caught); the creation
/// time gives the age of records recovered at start, whose append time is not otherwise kept.
public struct SpoolSegmentHeader: Equatable, Sendable {
    public static let size = 32
    public static let magic: [UInt8] = Array("FLTSPOOL".utf8)
    public static let version: UInt32 = 1

    public var firstSequence: UInt64
    public var createdMillis: UInt64

    public init(firstSequence: UInt64, createdMillis: UInt64) {
        self.firstSequence = firstSequence
        self.createdMillis = createdMillis
    }

    public func encoded() -> [UInt8] {
        var tail: [UInt8] = []
        SpoolRecordFrame.appendLittleEndian(firstSequence, to: &tail)
        SpoolRecordFrame.appendLittleEndian(createdMillis, to: &tail)
        var bytes = Self.magic
        SpoolRecordFrame.appendLittleEndian(Self.version, to: &bytes)
        SpoolRecordFrame.appendLittleEndian(CRC32C.checksum(tail), to: &bytes)
        bytes += tail
        return bytes
    }

    public enum Problem: Error, Equatable {
        case short(Int)
        case badMagic
        case unsupportedVersion(UInt32)
        case checksumMismatch
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<SpoolSegmentHeader, Problem> {
        guard bytes.count >= size else { return .failure(.short(bytes.count)) }
        guard bytes.prefix(8).elementsEqual(magic) else { return .failure(.badMagic) }
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == Self.version else { return .failure(.unsupportedVersion(version)) }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        guard CRC32C.checksum(bytes[16..<32]) == stored else { return .failure(.checksumMismatch) }
        return .success(SpoolSegmentHeader(
            firstSequence: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            createdMillis: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))))
    }

    /// `00000000000000000001.seg`: the first sequence in 20 decimal digits, so names sort as numbers.
    public static func fileName(firstSequence: UInt64) -> String {
        let digits = String(firstSequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    /// The first sequence a segment file name stands for; nil for any other name (ignored).
    public static func firstSequence(fileName name: String) -> UInt64? {
        let utf8 = Array(name.utf8)
        guard utf8.count == 24, name.hasSuffix(".seg") else { return nil }
        let digits = utf8[0..<20]
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return UInt64(String(decoding: digits, as: UTF8.self))  // nil above UInt64.max
    }

    static func nowMillis() -> UInt64 {
        let millis = Date().timeIntervalSince1970 * 1000
        return millis.isFinite && millis > 0 ? UInt64(exactly: millis.rounded(.down)) ?? 0 : 0
    }
}
