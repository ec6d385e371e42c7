/// Where the spool lives and how large it may grow. Plain values; `Spool.open` checks them.
public struct SpoolConfiguration: Sendable {
    /// Directory of the segment files (`.faultline/spool` in `faultline dev`); created if missing.
    public var directory: String
    /// A segment is closed and the next one started once it holds this many bytes. Whole
    /// segments are the unit of deletion, so this is also how much `release` frees at once.
    public var segmentBytes: Int
    /// Appends fail with `SpoolError.full` once the segments plus the records waiting to be
    /// written would exceed this. Must be at least two segments.
    public var maxTotalBytes: Int
    /// Largest payload of one record; a length field read from disk above it marks the record
    /// corrupt. At most `SpoolRecordFrame.maxPayloadBytes`.
    public var maxRecordBytes: Int
    /// How long the writer waits for more appends before writing a group it already has.
    /// Zero writes at once: records arriving while a sync runs form the next group anyway.
    public var groupCommitDelay: Duration
    /// Most payload bytes in one group (one write, one sync); a larger queue is written in
    /// several groups.
    public var groupCommitMaxBytes: Int
    /// `false` skips `fdatasync` (tests and benchmarks of the CPU path only): records are then
    /// not durable against a power cut, only against a crash of the process.
    public var sync: Bool

    public init(directory: String,
                segmentBytes: Int = 64 * 1024 * 1024,
                maxTotalBytes: Int = 1024 * 1024 * 1024,
                maxRecordBytes: Int = 256 * 1024 * 1024,
                groupCommitDelay: Duration = .zero,
                groupCommitMaxBytes: Int = 8 * 1024 * 1024,
                sync: Bool = true) {
        self.directory = directory
        self.segmentBytes = segmentBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxRecordBytes = maxRecordBytes
        self.groupCommitDelay = groupCommitDelay
        self.groupCommitMaxBytes = groupCommitMaxBytes
        self.sync = sync
    }

    func validate() throws {
        func fail(_ message: String) throws -> Never { throw SpoolError.invalidConfiguration(message) }
        if directory.isEmpty { try fail("directory is empty") }
        if segmentBytes < SpoolSegmentHeader.size + SpoolRecordFrame.headerSize { try fail("segment size too small") }
        if maxRecordBytes < 1 || maxRecordBytes > SpoolRecordFrame.maxPayloadBytes { try fail("record limit out of range") }
        if maxTotalBytes / 2 < segmentBytes { try fail("total size must be at least two segments") }
        if groupCommitMaxBytes < 1 { try fail("group commit size must be positive") }
        if groupCommitDelay < .zero { try fail("group commit delay is negative") }
    }
}
