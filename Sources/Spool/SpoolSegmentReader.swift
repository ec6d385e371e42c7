/// Streams the records of one segment file from its start, in bounded memory: a 256 KiB
/// window, grown only to hold one record (at most the record limit). Checks the header, each
/// record's framing and checksum, and that sequences follow one another from the header's.
final class SpoolSegmentReader {
    enum Step {
        case record(SpoolRecord)
        /// Clean end: the file (or the given limit) ends after a whole record.
        case end
        /// The record at `offset` is torn or corrupt; nothing after it in this segment is trusted.
        case invalid(offset: Int, reason: String)
    }

    let file: SpoolFile
    let header: SpoolSegmentHeader
    /// Where the next record starts; after `.end` or `.invalid`, the end of the valid records.
    private(set) var offset = SpoolSegmentHeader.size
    /// The sequence the next record must carry.
    private(set) var nextSequence: UInt64
    private var limit: Int
    private let maxPayload: Int
    private var window: [UInt8] = []
    private var windowStart = 0   // file offset of window[0]
    private var finished = false

    private static let chunk = 256 * 1024

    /// Opens `path` and reads its header. `limit`, when given, is where reading stops (the
    /// durable end of a segment the writer is still appending to).
    init(path: String, maxPayload: Int, limit: Int? = nil) throws(SpoolSegmentReader.OpenFailure) {
        let file: SpoolFile
        do { file = try SpoolFile.openForReading(path) } catch { throw .io(error) }
        var bytes = [UInt8](repeating: 0, count: SpoolSegmentHeader.size)
        let count: Int
        do { count = try bytes.withUnsafeMutableBytes { try file.read(into: $0, at: 0) } } catch { throw .io(error) }
        // Never read past the file's end: an untrusted length field then cannot make the window
        // grow beyond the bytes that exist.
        let size: Int
        do { size = try file.size } catch { throw .io(error) }
        let decoded = bytes.prefix(count).withUnsafeBytes { SpoolSegmentHeader.decode($0) }
        switch decoded {
        case .failure(let problem): throw .header(problem)
        case .success(let header):
            self.file = file
            self.header = header
            self.nextSequence = header.firstSequence
            self.limit = min(limit ?? Int.max, size)
            self.maxPayload = maxPayload
            self.windowStart = SpoolSegmentHeader.size
        }
    }

    enum OpenFailure: Error {
        case io(Error)
        case header(SpoolSegmentHeader.Problem)
    }

    func next() throws -> Step {
        if finished { return .end }
        while true {
            let available = window.count - (offset - windowStart)
            let decoded = window.withUnsafeBytes { all in
                SpoolRecordFrame.decode(UnsafeRawBufferPointer(rebasing: all[(offset - windowStart)...]),
                                        maxPayload: maxPayload, expectedSequence: nextSequence)
            }
            switch decoded {
            case .record(let sequence, let payload, let size):
                let base = offset - windowStart
                let record = SpoolRecord(sequence: sequence, payload: Array(window[(base + payload.lowerBound)..<(base + payload.upperBound)]))
                offset += size
                // Sequences are below UInt64.max: the header's first sequence is checked at open.
                nextSequence = sequence &+ 1
                return .record(record)
            case .invalid(let reason):
                finished = true
                return .invalid(offset: offset, reason: reason)
            case .incomplete(let needed):
                let reachable = limit - offset
                if reachable == 0 { return .end }  // not final: `extend` may move the limit
                if needed > reachable {  // the record would run past the end of the file (or of what is durable)
                    finished = true
                    return .invalid(offset: offset, reason: "torn record: \(reachable) of \(needed) bytes")
                }
                if try fill(atLeast: needed) == 0 {  // the file shrank under the reader
                    finished = true
                    return available == 0 ? .end : .invalid(offset: offset, reason: "torn record: \(available) of \(needed) bytes")
                }
            }
        }
    }

    /// More of the segment is durable: reading may go on up to `newLimit` (a limit the spool
    /// itself wrote, so trusted).
    func extend(to newLimit: Int) {
        limit = max(limit, newLimit)
    }

    /// Drops consumed bytes and reads more, so the window holds `needed` bytes from `offset`
    /// (or all there is). Returns how many bytes it read.
    private func fill(atLeast needed: Int) throws -> Int {
        window.removeFirst(offset - windowStart)
        windowStart = offset
        let want = min(max(needed, Self.chunk), limit - offset)
        let have = window.count
        guard want > have else { return 0 }
        window += [UInt8](repeating: 0, count: want - have)
        let read = try window.withUnsafeMutableBytes { buffer in
            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[have...]), at: offset + have)
        }
        window.removeLast(want - have - read)
        return read
    }
}

/// One record as read back: its sequence and payload.
public struct SpoolRecord: Equatable, Sendable {
    public let sequence: UInt64
    public let payload: [UInt8]

    public init(sequence: UInt64, payload: [UInt8]) {
        self.sequence = sequence
        self.payload = payload
    }
}
