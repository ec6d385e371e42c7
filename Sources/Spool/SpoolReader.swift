import Foundation

/// Reads durable records in sequence order across segments, one at a time (bounded memory),
/// from a snapshot of the segments taken when it was made: records appended later need a new
/// reader. A segment deleted meanwhile (`release`) is passed over; a corrupt record read after
/// open is logged and counted, and the rest of its segment skipped.
public final class SpoolReader {
    private var segments: ArraySlice<Spool.Segment>
    private let from: UInt64
    private let maxPayload: Int
    private let spool: Spool
    private var current: (reader: SpoolSegmentReader, segment: Spool.Segment)?

    init(segments: [Spool.Segment], from: UInt64, maxPayload: Int, spool: Spool) {
        // Segments whose records all lie below `from` are not opened at all.
        self.segments = segments.drop { $0.firstSequence + $0.recordCount <= from }[...]
        self.from = from
        self.maxPayload = maxPayload
        self.spool = spool
    }

    /// The next record, or nil at the durable end of the snapshot.
    public func next() throws -> SpoolRecord? {
        while true {
            if current == nil {
                guard let segment = segments.popFirst() else { return nil }
                if segment.recordCount == 0 { continue }
                do {
                    current = (try SpoolSegmentReader(path: segment.path, maxPayload: maxPayload, limit: segment.validEnd), segment)
                } catch {
                    switch error {
                    case .io(let underlying):
                        if case SpoolError.io(_, ENOENT)? = underlying as? SpoolError { continue }  // released meanwhile
                        throw underlying
                    case .header(let problem):
                        spool.noteCorruption(path: segment.path, offset: 0, reason: "header: \(problem)")
                        continue
                    }
                }
            }
            guard let open = current else { continue }
            switch try open.reader.next() {
            case .record(let record):
                if record.sequence < from { continue }
                return record
            case .end:
                current = nil
            case .invalid(let offset, let reason):
                spool.noteCorruption(path: open.segment.path, offset: offset, reason: reason)
                current = nil
            }
        }
    }
}
