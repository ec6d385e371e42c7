import CompressNIO
import NIOCore

/// A bounded reader of ZIP archives from outside (artifact bundles): the central directory is
/// read from the end (data prepended to the archive, like a source bundle's `SYSB` header, is
/// allowed), entries are stored or deflated, and nothing is trusted. The entry count, each
/// entry's declared and actual size and the total extracted are capped before anything is
/// inflated, names are checked (`ZipLimits`), each entry's CRC-32 is verified. ZIP64 and
/// encryption are refused: a bundle never needs them.
public struct ZipArchive: Sendable {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let method: UInt16
        public let compressedSize: Int
        public let uncompressedSize: Int
        public let crc32: UInt32
        /// Where the entry's local header starts, in `bytes`.
        let localHeaderOffset: Int
    }

    public let entries: [Entry]
    /// Entry positions by name (names are unique): a manifest may name every entry.
    private let positions: [String: Int]
    private let bytes: [UInt8]
    private let limits: ZipLimits

    /// Reads the central directory. Throws for anything malformed, too many entries, declared
    /// sizes over the limits or unsafe names.
    public init(_ bytes: [UInt8], limits: ZipLimits = ZipLimits()) throws(ArtifactError) {
        self.bytes = bytes
        self.limits = limits
        guard let end = Self.endOfCentralDirectory(bytes) else {
            throw ArtifactError(.malformed, "not a ZIP archive (no end of central directory)")
        }
        let count = Int(Self.u16(bytes, end + 10))
        let directorySize = Int(Self.u32(bytes, end + 12))
        let directoryOffset = Int(Self.u32(bytes, end + 16))
        guard count <= limits.maxEntries else {
            throw ArtifactError(.tooLarge, "the archive has \(count) entries, more than the \(limits.maxEntries) allowed")
        }
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF else { throw ArtifactError(.malformed, "ZIP64 archives are not supported") }
        // Bytes before the archive (a `SYSB` header) shift every offset the archive records.
        let base = end - directorySize - directoryOffset
        guard directorySize <= end, base >= 0 else { throw ArtifactError(.malformed, "the central directory lies outside the file") }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var names = Set<String>()
        var declaredTotal = 0
        var at = base + directoryOffset
        for _ in 0..<count {
            guard at + 46 <= end, Self.u32(bytes, at) == 0x0201_4B50 else {
                throw ArtifactError(.malformed, "truncated or corrupt central directory")
            }
            let flags = Self.u16(bytes, at + 8)
            let method = Self.u16(bytes, at + 10)
            let crc = Self.u32(bytes, at + 16)
            let compressed = Int(Self.u32(bytes, at + 20))
            let uncompressed = Int(Self.u32(bytes, at + 24))
            let nameLength = Int(Self.u16(bytes, at + 28))
            let extraLength = Int(Self.u16(bytes, at + 30))
            let commentLength = Int(Self.u16(bytes, at + 32))
            let localOffset = Int(Self.u32(bytes, at + 42))
            let nameEnd = at + 46 + nameLength
            guard nameEnd <= end else { throw ArtifactError(.malformed, "truncated central directory entry") }
            let name = try Self.checkedName(bytes[(at + 46)..<nameEnd])
            guard flags & 0x1 == 0 else { throw ArtifactError(.malformed, "encrypted entry \(name)") }
            guard method == 0 || method == 8 else {
                throw ArtifactError(.malformed, "entry \(name) uses compression method \(method) (only stored and deflate are read)")
            }
            guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF else { throw ArtifactError(.malformed, "ZIP64 entries are not supported") }
            guard uncompressed <= limits.maxEntryBytes else {
                throw ArtifactError(.tooLarge, "entry \(name) declares \(uncompressed) bytes, more than the \(limits.maxEntryBytes) allowed")
            }
            // Deflate cannot expand beyond ~1032:1; a larger declared ratio is a bomb or a lie.
            guard method == 0 ? compressed == uncompressed : uncompressed <= max(compressed, 1).multipliedReportingOverflow(by: 1032).partialValue else {
                throw ArtifactError(.malformed, "entry \(name) declares an impossible size ratio")
            }
            declaredTotal += uncompressed
            guard declaredTotal <= limits.maxTotalBytes else {
                throw ArtifactError(.tooLarge, "the archive declares more than \(limits.maxTotalBytes) bytes uncompressed")
            }
            guard names.insert(name).inserted else { throw ArtifactError(.malformed, "entry \(name) appears twice") }
            entries.append(Entry(name: name, method: method, compressedSize: compressed, uncompressedSize: uncompressed,
                                 crc32: crc, localHeaderOffset: base + localOffset))
            at = nameEnd + extraLength + commentLength
        }
        self.entries = entries
        positions = Dictionary(entries.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func entry(named name: String) -> Entry? { positions[name].map { entries[$0] } }

    /// The entry's contents, inflated to at most its declared size and checked against its CRC-32.
    public func contents(of entry: Entry) throws(ArtifactError) -> [UInt8] {
        let at = entry.localHeaderOffset
        guard at >= 0, at + 30 <= bytes.count, Self.u32(bytes, at) == 0x0403_4B50 else {
            throw ArtifactError(.malformed, "entry \(entry.name): bad local header")
        }
        let start = at + 30 + Int(Self.u16(bytes, at + 26)) + Int(Self.u16(bytes, at + 28))
        guard start + entry.compressedSize <= bytes.count else { throw ArtifactError(.malformed, "entry \(entry.name) is truncated") }
        let raw = bytes[start..<(start + entry.compressedSize)]
        let data: [UInt8]
        if entry.method == 0 {
            data = Array(raw)
        } else if entry.uncompressedSize == 0 {
            data = []
        } else {
            var input = ByteBuffer(bytes: raw)
            do {
                // One byte more than declared, so output beyond the declared size is seen, not cut.
                data = Array(try input.decompress(with: .deflate(), maxSize: entry.uncompressedSize + 1).readableBytesView)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw ArtifactError(.tooLarge, "entry \(entry.name) inflates beyond its declared size")
            } catch {
                throw ArtifactError(.malformed, "entry \(entry.name) is not valid deflate data")
            }
        }
        guard data.count == entry.uncompressedSize else {
            throw ArtifactError(.malformed, "entry \(entry.name) has \(data.count) bytes, not the \(entry.uncompressedSize) declared")
        }
        guard CRC32.checksum(data) == entry.crc32 else { throw ArtifactError(.malformed, "entry \(entry.name) fails its CRC-32 check") }
        return data
    }

    /// A name is relative, has no `..`, NUL or backslash segment tricks, and is valid UTF-8.
    static func checkedName(_ raw: ArraySlice<UInt8>) throws(ArtifactError) -> String {
        guard !raw.isEmpty, raw.count <= 1024, !raw.contains(0), let name = String(validating: raw, as: UTF8.self) else {
            throw ArtifactError(.unsafePath, "an entry has an empty, overlong or invalid name")
        }
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.hasPrefix("/"), !name.contains("\\"), !segments.contains(".."), !(segments.first?.contains(":") ?? false) else {
            throw ArtifactError(.unsafePath, "entry name \(name.debugDescription) is not a safe relative path")
        }
        return name
    }

    /// The end-of-central-directory record: searched backwards over at most the record and its
    /// 64 KiB comment.
    static func endOfCentralDirectory(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 22 else { return nil }
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var at = bytes.count - 22
        while at >= lowest {
            if bytes[at] == 0x50, u32(bytes, at) == 0x0605_4B50, at + 22 + Int(u16(bytes, at + 20)) == bytes.count { return at }
            at -= 1
        }
        return nil
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}

/// What a ZIP may hold before it is refused unread.
public struct ZipLimits: Sendable {
    public var maxEntries = 10_000
    public var maxEntryBytes = 64 * 1024 * 1024
    public var maxTotalBytes = 256 * 1024 * 1024

    public init(maxEntries: Int = 10_000, maxEntryBytes: Int = 64 * 1024 * 1024, maxTotalBytes: Int = 256 * 1024 * 1024) {
        self.maxEntries = maxEntries
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
    }
}
