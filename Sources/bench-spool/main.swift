// Spool append throughput and latency against a plain loop of write + fdatasync per record
// in the same directory (bench/spool.sh runs it). Prints one line of key=value pairs.
//
// Usage: bench-spool <spool|raw> <directory> <payload bytes> <concurrent appenders> <seconds>
import Foundation
import Logging
import Spool

let arguments = CommandLine.arguments
guard arguments.count == 6, let size = Int(arguments[3]), size > 0, let appenders = Int(arguments[4]), appenders > 0,
      let seconds = Double(arguments[5]), seconds > 0 else {
    FileHandle.standardError.write(Data("usage: bench-spool <spool|raw> <directory> <payload bytes> <appenders> <seconds>\n".utf8))
    exit(2)
}
let mode = arguments[1]
let directory = arguments[2]
let payload = [UInt8](repeating: 0x5A, count: size)
let clock = ContinuousClock()

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) * 1e-15
}

func report(_ latencies: [Double], syncs: UInt64, elapsed: Duration) {
    let sorted = latencies.sorted()
    func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    let wall = milliseconds(elapsed) / 1000
    print(String(format: "mode=%@ appenders=%d appends_per_s=%.0f syncs_per_s=%.0f p50_ms=%.2f p99_ms=%.2f",
                 mode, appenders, Double(sorted.count) / wall, Double(syncs) / wall, percentile(0.5), percentile(0.99)))
}

/// The reference: what one writer gets that syncs every record itself.
func runRaw() throws {
    let path = directory + "/raw.bin"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { fatalError("open \(path): errno \(errno)") }
    defer { close(fd); unlink(path) }
    var latencies: [Double] = []
    var offset = 0
    let start = clock.now
    let end = start + .milliseconds(Int(seconds * 1000))
    while clock.now < end {
        let begin = clock.now
        let written = payload.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        guard written == payload.count, fdatasync(fd) == 0 else { fatalError("write: errno \(errno)") }
        offset += written
        latencies.append(milliseconds(clock.now - begin))
    }
    report(latencies, syncs: UInt64(latencies.count), elapsed: clock.now - start)
}

final class Latencies: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    func add(_ value: Double) { lock.withLock { values.append(value) } }
    var all: [Double] { lock.withLock { values } }
}

func runSpool() async throws {
    var logger = Logger(label: "bench-spool")
    logger.logLevel = .warning
    let spool = try Spool.open(SpoolConfiguration(directory: directory + "/spool", maxTotalBytes: 8 << 30), logger: logger)
    let latencies = Latencies()
    let start = clock.now
    let end = start + .milliseconds(Int(seconds * 1000))
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<appenders {
            group.addTask {
                while clock.now < end {
                    let begin = clock.now
                    _ = try await spool.append(payload)
                    latencies.add(milliseconds(clock.now - begin))
                }
            }
        }
        // Free whole segments as a forwarder would, so the run is not bounded by the size limit.
        group.addTask {
            while clock.now < end {
                try await Task.sleep(for: .milliseconds(200))
                try spool.release(upTo: spool.durableSequence)
            }
        }
        try await group.waitForAll()
    }
    let elapsed = clock.now - start
    let stats = spool.stats
    spool.close()
    report(latencies.all, syncs: stats.syncs, elapsed: elapsed)
}

switch mode {
case "raw": try runRaw()
case "spool": try await runSpool()
default: fatalError("mode must be spool or raw")
}
