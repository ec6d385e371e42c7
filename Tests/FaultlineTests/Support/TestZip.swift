import CompressNIO
import NIOCore

/// Writes small ZIP archives for tests, including malformed ones (declared sizes, CRCs and names
/// are whatever the test says).
struct TestZip {
    struct Entry {
        var name: String
        var data: [UInt8]
        var deflate = false
        /// Overrides of what the central directory declares.
        var declaredSize: Int?
        var crc: UInt32?
    }

    var entries: [Entry] = []
    var prefix: [UInt8] = []

    mutating func add(_ name: String, _ text: String, deflate: Bool = false) {
        entries.append(Entry(name: name, data: Array(text.utf8), deflate: deflate))
    }

    func bytes() -> [UInt8] {
        var out = prefix
        var central: [UInt8] = []
        for entry in entries {
            let stored: [UInt8]
            if entry.deflate {
                var buffer = ByteBuffer(bytes: entry.data)
                stored = Array((try? buffer.compress(with: .deflate()))?.readableBytesView ?? [])
            } else {
                stored = entry.data
            }
            let crc = entry.crc ?? Self.crc32(entry.data)
            let size = UInt32(entry.declaredSize ?? entry.data.count)
            let offset = UInt32(out.count - prefix.count)
            let name = Array(entry.name.utf8)
            let method: UInt16 = entry.deflate ? 8 : 0
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0) + le32(crc)
                + le32(UInt32(stored.count)) + le32(size) + le16(UInt16(name.count)) + le16(0) + name + stored
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0) + le32(crc)
                + le32(UInt32(stored.count)) + le32(size) + le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0) + le16(0)
                + le32(0) + le32(offset) + name
        }
        let centralOffset = UInt32(out.count - prefix.count)
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
            + le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return out
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }

    private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}
