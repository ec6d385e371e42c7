import Foundation
import Logging
import Spool

/// A temporary spool directory for one test, with the log lines the spool wrote.
final class SpoolFixture: @unchecked Sendable {
    let directory: String
    let logs = CapturedLogs()

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-spool-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func configuration(segmentBytes: Int = 64 * 1024, maxTotalBytes: Int = 64 * 1024 * 1024,
                       maxRecordBytes: Int = 1024 * 1024, sync: Bool = false) -> SpoolConfiguration {
        SpoolConfiguration(directory: directory, segmentBytes: segmentBytes, maxTotalBytes: maxTotalBytes,
                           maxRecordBytes: maxRecordBytes, sync: sync)
    }

    func open(_ configuration: SpoolConfiguration? = nil) throws -> Spool {
        let logs = self.logs
        return try Spool.open(configuration ?? self.configuration(), logger: Logger(label: "spool-test") { _ in logs })
    }

    /// Segment file names, sorted.
    var segmentFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".seg") }.sorted()
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func size(_ name: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path(name))[.size] as? NSNumber)?.intValue ?? -1
    }

    /// Rewrites bytes of a file in place.
    func modify(_ name: String, _ change: (inout Data) -> Void) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path(name)))
        change(&data)
        try data.write(to: URL(fileURLWithPath: path(name)))
    }
}

/// Every record of the spool from `sequence` on.
func readAll(_ spool: Spool, from sequence: UInt64 = 0) throws -> [SpoolRecord] {
    let reader = spool.records(from: sequence)
    var records: [SpoolRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

/// A payload that tells which record it is.
func spoolPayload(_ index: Int, size: Int = 100) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0) }
}

/// Log lines kept in memory.
final class CapturedLogs: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { lines.append("\(event.level): \(event.message)") }
    }

    var all: [String] { lock.withLock { lines } }
}
