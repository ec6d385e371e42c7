/// The framing of one record in a segment file (pure). Little-endian:
///
///     [length u32][crc32c u32][sequence u64][payload: length bytes]
///
/// `length` counts the payload only; the CRC-32C covers the sequence's eight bytes and then
/// the payload, so a record copied to the wrong place or a stale record from another position
/// fails too. Every field read from disk is untrusted: a length above the configured record
/// limit, a checksum mismatch or an unexpected sequence make the record `invalid`.
public enum SpoolRecordFrame {
    public static let headerSize = 16
    /// The largest payload the format admits (the configuration may set a lower limit).
    public static let maxPayloadBytes = 1 << 30

    /// Bytes one record with this payload takes on disk.
    public static func size(payloadCount: Int) -> Int { headerSize + payloadCount }

    /// Appends the framed record to `buffer`. The payload must be at most `maxPayloadBytes`.
    public static func encode(sequence: UInt64, payload: [UInt8], into buffer: inout [UInt8]) {
        precondition(payload.count <= maxPayloadBytes, "spool payload over the format's limit")
        var crc = CRC32C()
        withUnsafeBytes(of: sequence.littleEndian) { crc.update($0) }
        payload.withUnsafeBytes { crc.update($0) }
        appendLittleEndian(UInt32(payload.count), to: &buffer)
        appendLittleEndian(crc.value, to: &buffer)
        appendLittleEndian(sequence, to: &buffer)
        buffer.append(contentsOf: payload)
    }

    public enum Decoded: Equatable {
        /// A whole, valid record: its sequence, where its payload lies in the buffer, and the
        /// bytes the record takes.
        case record(sequence: UInt64, payload: Range<Int>, size: Int)
        /// The buffer ends inside the record; `needed` bytes from the record's start make it whole.
        case incomplete(needed: Int)
        case invalid(String)
    }

    /// Reads the record that starts at `bytes[0]`. `expectedSequence`, when given, must match.
    public static func decode(_ bytes: UnsafeRawBufferPointer, maxPayload: Int, expectedSequence: UInt64?) -> Decoded {
        guard bytes.count >= headerSize else { return .incomplete(needed: headerSize) }
        let length = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let sequence = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        // UInt32 always fits Int on the 64-bit platforms Swift on Linux runs on; the limit check
        // comes before any arithmetic with it.
        guard let payloadCount = Int(exactly: length), payloadCount <= maxPayload, payloadCount <= maxPayloadBytes else {
            return .invalid("length \(length) over the record limit")
        }
        let size = headerSize + payloadCount
        guard bytes.count >= size else { return .incomplete(needed: size) }
        if let expectedSequence, sequence != expectedSequence {
            return .invalid("sequence \(sequence) where \(expectedSequence) was expected")
        }
        var crc = CRC32C()
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[8..<size]))
        guard crc.value == stored else { return .invalid("checksum mismatch") }
        return .record(sequence: sequence, payload: headerSize..<size, size: size)
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }
}
