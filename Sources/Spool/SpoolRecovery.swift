import Foundation
import Logging

/// What the spool finds on disk when it opens, after repairing it.
struct SpoolRecovery {
    /// A segment file as the spool keeps track of it (also after open: `Spool.Segment`).
    struct Segment {
        var path: String
        var firstSequence: UInt64
        var recordCount: UInt64
        /// Bytes the file takes on disk (what counts toward the size limit).
        var bytes: Int
        /// Where its valid records end (below `bytes` only for an older segment with a corrupt record).
        var validEnd: Int
        var createdMillis: UInt64
    }

    var segments: [Segment] = []
    /// The sequence the next appended record gets.
    var nextSequence: UInt64 = 1
    /// Bytes cut off the newest segment's tail (a torn or corrupt last write).
    var bytesCut = 0
    /// Bytes of older segments after a corrupt record, skipped by every reader.
    var bytesSkipped = 0
    /// Corrupt records found in older segments (each hides the rest of its segment).
    var corruptRecords = 0
    /// Segment files with a bad header, renamed to `….seg.corrupt` and no longer read.
    var corruptSegments = 0

    /// Highest first sequence a segment may have; far above any real count, it keeps sequence
    /// arithmetic away from overflow whatever a file name says.
    static let maxFirstSequence: UInt64 = 1 << 62

    /// Scans every segment in `directory` in order, streaming each (bounded memory), and repairs
    /// what a crash or a bad disk left: the newest segment is truncated at its first torn or
    /// corrupt record; an older segment's corrupt record hides the rest of that segment (logged,
    /// counted, never blocking); a segment too short for its header is removed, one with a bad
    /// header renamed aside. Other names in the directory are ignored.
    static func run(directory: String, maxPayload: Int, logger: Logger) throws -> SpoolRecovery {
        var recovery = SpoolRecovery()
        let names: [String]
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw SpoolError.io("list \(directory): \(error)", 0)
        }
        var candidates: [(first: UInt64, name: String)] = []
        for name in names {
            guard let first = SpoolSegmentHeader.firstSequence(fileName: name) else { continue }
            let path = directory + "/" + name
            guard isRegularFile(path) else {
                logger.warning("spool: ignoring \(path): not a regular file")
                continue
            }
            candidates.append((first, name))
        }
        candidates.sort { $0.first < $1.first }

        var changedDirectory = false
        for (index, candidate) in candidates.enumerated() {
            let path = directory + "/" + candidate.name
            let isNewest = index == candidates.count - 1
            let reader: SpoolSegmentReader
            do {
                reader = try SpoolSegmentReader(path: path, maxPayload: maxPayload)
            } catch {
                switch error {
                case .io(let underlying): throw underlying
                case .header(let problem):
                    try recovery.setAside(path: path, first: candidate.first, reason: "\(problem)", logger: logger)
                    changedDirectory = true
                    continue
                }
            }
            let first = reader.header.firstSequence
            let previousEnd = recovery.segments.last.map { $0.firstSequence + $0.recordCount } ?? 0
            guard first == candidate.first, first >= 1, first <= maxFirstSequence, first >= previousEnd else {
                try recovery.setAside(path: path, first: candidate.first,
                                      reason: "header names sequence \(first), out of place", logger: logger)
                changedDirectory = true
                continue
            }
            var count: UInt64 = 0
            var invalid: (offset: Int, reason: String)?
            scan: while true {
                switch try reader.next() {
                case .record: count += 1
                case .end: break scan
                case .invalid(let offset, let reason): invalid = (offset, reason); break scan
                }
            }
            var size = try reader.file.size
            let validEnd = reader.offset
            if let invalid {
                let lost = size - invalid.offset
                if isNewest {
                    let writer = try SpoolFile.openForWriting(path)
                    try writer.truncate(to: invalid.offset)
                    try writer.syncData()
                    logger.warning("spool: cut \(lost) bytes off the tail of \(path) after sequence \(first + count - 1) (\(invalid.reason)); a write was interrupted")
                    recovery.bytesCut += lost
                    size = invalid.offset
                } else {
                    logger.error("spool: corrupt record in \(path) after sequence \(first + count - 1) (\(invalid.reason)); skipping its last \(lost) bytes")
                    recovery.bytesSkipped += lost
                    recovery.corruptRecords += 1
                }
            }
            recovery.segments.append(Segment(path: path, firstSequence: first, recordCount: count, bytes: size,
                                             validEnd: validEnd, createdMillis: reader.header.createdMillis))
            recovery.nextSequence = max(recovery.nextSequence, first + count)
        }
        if changedDirectory { try SpoolFile.syncDirectory(directory) }
        return recovery
    }

    /// A segment whose header cannot be read: removed when it is too short to hold any record
    /// (a crash while it was being created), otherwise renamed to `….corrupt` for inspection.
    /// Its sequences are not reused.
    private mutating func setAside(path: String, first: UInt64, reason: String, logger: Logger) throws {
        let size = (try? SpoolFile.openForReading(path).size) ?? 0
        if size <= SpoolSegmentHeader.size {
            try SpoolFile.remove(path)
            logger.warning("spool: removed \(path) (\(size) bytes, \(reason)): it held no records")
        } else {
            try SpoolFile.rename(path, to: path + ".corrupt")
            corruptSegments += 1
            logger.error("spool: segment \(path) has a bad header (\(reason)); renamed to .corrupt, its \(size) bytes are not read")
        }
        if first <= Self.maxFirstSequence { nextSequence = max(nextSequence, first) }
    }

    private static func isRegularFile(_ path: String) -> Bool {
        guard let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType else { return false }
        return type == .typeRegular
    }
}
