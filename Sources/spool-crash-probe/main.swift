// Appends records to a spool from several tasks until killed, printing one line per
// acknowledged record: `ack <sequence> <id> <crc32c of payload>`. SpoolCrashTests kills it with
// SIGKILL and checks that every acknowledged record is on disk, intact.
//
// With a file size limit, writes past it fail (EFBIG, as on a full disk): each failed append
// prints `fail <error>`, and the probe exits after 50 of them.
//
// Usage: spool-crash-probe <directory> <payload bytes> <concurrent appenders> [<file size limit>]
import Foundation
import Logging
import Spool

let arguments = CommandLine.arguments
guard arguments.count == 4 || arguments.count == 5, let size = Int(arguments[2]), size >= 8,
      let appenders = Int(arguments[3]), appenders > 0 else {
    FileHandle.standardError.write(Data("usage: spool-crash-probe <directory> <payload bytes> <appenders> [<file size limit>]\n".utf8))
    exit(2)
}
if arguments.count == 5, let limit = UInt(arguments[4]) {
    signal(SIGXFSZ, SIG_IGN)  // a write past the limit then fails with EFBIG instead of killing
    var fileSize = rlimit(rlim_cur: rlim_t(limit), rlim_max: rlim_t(limit))
    guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &fileSize) == 0 else { exit(2) }
}

/// One write(2) per line, so a kill cuts at most the line being written.
func emit(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() -> Int { lock.withLock { count += 1; return count } }
}
let failures = Failures()

var logger = Logger(label: "spool-crash-probe")
logger.logLevel = .notice
// Small segments, so that kills also land around segment roll-over.
let configuration = SpoolConfiguration(directory: arguments[1], segmentBytes: 256 * 1024,
                                       maxTotalBytes: 1 << 40, maxRecordBytes: 1 << 20)
let spool = try Spool.open(configuration, logger: logger)

/// Bytes that depend on the id, so a record holding another record's bytes fails the check.
func payload(id: UInt64) -> [UInt8] {
    var bytes = withUnsafeBytes(of: id.littleEndian) { Array($0) }
    var state = id | 1
    while bytes.count < size {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        bytes.append(UInt8(truncatingIfNeeded: state))
    }
    return bytes
}

await withThrowingTaskGroup(of: Void.self) { group in
    for _ in 0..<appenders {
        group.addTask {
            while true {
                let id = UInt64.random(in: 1...UInt64.max)
                let bytes = payload(id: id)
                do {
                    let sequence = try await spool.append(bytes)
                    emit("ack \(sequence) \(id) \(CRC32C.checksum(bytes))")
                } catch {
                    emit("fail \(error)")
                    if failures.add() >= 50 { exit(0) }
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
        }
    }
    try? await group.waitForAll()
}
