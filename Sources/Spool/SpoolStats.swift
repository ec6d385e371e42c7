/// A snapshot of the spool's gauges and counters (`Spool.stats`), for metrics and tests.
public struct SpoolStats: Sendable, Equatable {
    /// Bytes of all segment files (what the size limit counts, with records being written).
    public var bytes: Int
    /// Bytes reserved by appends not yet written.
    public var pendingBytes: Int
    /// Records in the segments on disk.
    public var records: UInt64
    public var segments: Int
    /// The last durable sequence (0 when none was ever written).
    public var durableSequence: UInt64
    /// The forwarder's cursor (`markForwarded`).
    public var forwardedSequence: UInt64
    /// Seconds since the oldest record not yet forwarded was appended (0 when all are); an
    /// upper bound, exact to a tenth of a second for records appended since start.
    public var oldestUnforwardedAge: Double
    /// Records appended since start.
    public var appends: UInt64
    /// Groups written (one write and one sync of each segment touched, per group).
    public var commits: UInt64
    /// `fdatasync` calls on segment files (none when `sync` is off).
    public var syncs: UInt64
    /// Sum and last value of the time the syncs took, in seconds.
    public var syncSeconds: Double
    public var lastSyncSeconds: Double
    /// Appends refused because the spool was full.
    public var fullRefusals: UInt64
    /// What the last open repaired (see `SpoolRecovery`).
    public var bytesCutAtOpen: Int
    public var bytesSkippedAtOpen: Int
    public var corruptRecords: Int
    public var corruptSegments: Int
}
