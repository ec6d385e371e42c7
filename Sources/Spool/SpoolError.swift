/// What the spool throws. `full` is the relay's backpressure signal (answer 503 with
/// `Retry-After`); the others mean the spool cannot take records at all.
public enum SpoolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Taking the record would exceed `SpoolConfiguration.maxTotalBytes`.
    case full
    /// The record is larger than `SpoolConfiguration.maxRecordBytes`.
    case recordTooLarge(Int)
    /// The spool was closed.
    case closed
    /// A system call failed (`operation`, `errno`); after a failed write or sync the spool
    /// refuses further appends, since what reached the disk is unknown.
    case io(String, Int32)
    /// The configuration cannot work (message says why).
    case invalidConfiguration(String)
    /// Another spool (in this or another process) has the directory open.
    case inUse(String)

    public var description: String {
        switch self {
        case .full: return "spool full"
        case .recordTooLarge(let size): return "spool record of \(size) bytes exceeds the record limit"
        case .closed: return "spool closed"
        case .io(let operation, let code): return "spool \(operation) failed: errno \(code)"
        case .invalidConfiguration(let message): return "spool configuration: \(message)"
        case .inUse(let directory): return "spool directory \(directory) is in use by another spool (another faultline process?)"
        }
    }
}
