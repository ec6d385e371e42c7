/// Which spooled message a Kafka message is: the relay's spool (by its random id), the record's
/// sequence and the message's place in the record. The relay's forwarder sends it as the Kafka
/// header `faultline-receipt`; a record replayed after a restart carries the same receipt, so a
/// processor counts what has one exactly once (`ingest_receipts`). 28 bytes: the spool id (16),
/// the sequence (8) and the index (4), big-endian.
public struct IngestReceipt: Hashable, Sendable {
    public static let headerName = "faultline-receipt"
    public static let size = 28

    public let spoolID: [UInt8]
    public let sequence: UInt64
    public let index: UInt32

    /// Nil unless `spoolID` is 16 bytes.
    public init?(spoolID: [UInt8], sequence: UInt64, index: UInt32) {
        guard spoolID.count == 16 else { return nil }
        self.spoolID = spoolID
        self.sequence = sequence
        self.index = index
    }

    public func encoded() -> [UInt8] {
        var bytes = spoolID
        bytes.reserveCapacity(Self.size)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: sequence >> UInt64(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: index >> UInt32(shift))) }
        return bytes
    }

    /// Nil for anything but exactly 28 bytes: a header from elsewhere is not a receipt.
    public static func decode(_ bytes: [UInt8]) -> IngestReceipt? {
        guard bytes.count == size else { return nil }
        let sequence = bytes[16..<24].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let index = bytes[24..<28].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return IngestReceipt(spoolID: Array(bytes[0..<16]), sequence: sequence, index: index)
    }

    /// The spool id as PostgreSQL's uuid text (`xxxxxxxx-xxxx-…`).
    public var spoolUUID: String { Self.uuidText(spoolID: spoolID) }

    /// A spool id's uuid text, where the relay names its spool in `spool_releases`.
    public static func uuidText(spoolID: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return EventID.hyphenated(String(spoolID.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }))
    }
}
