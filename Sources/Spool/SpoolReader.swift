import Foundation

/// Reads durable records in sequence order across segments, one at a time (bounded memory),
/// from a snapshot of the segments taken when it was made; `refresh` takes a new snapshot and
/// goes on from where it is (so a forwarder reads each byte once, however often it catches up).
/// A segment deleted meanwhile (`release`) is passed over; a corrupt record read after open is
/// logged and counted, and the rest of its segment skipped.
public final class SpoolReader {
    private var segments: ArraySlice<Spool.Segment>
    private let from: UInt64
    private let maxPayload: Int
    private let spool: Spool
    private var current: (reader: SpoolSegmentReader, segment: Spool.Segment)?
    /// First sequence of the last segment opened: segments up to it are never queued again.
    private var visited: UInt64?

    init(segments: [Spool.Segment], from: UInt64, maxPayload: Int, spool: Spool) {
        // Segments whose records all lie below `from` are not opened at all.
        self.segments = segments.drop { $0.firstSequence + $0.recordCount <= from }[...]
        self.from = from
        self.maxPayload = maxPayload
        self.spool = spool
    }

    /// Takes in what became durable since the reader was made or last refreshed.
    public func refresh() {
        let snapshot = spool.segmentsSnapshot()
        if let open = current, let grown = snapshot.first(where: { $0.firstSequence == open.segment.firstSequence }) {
            open.reader.extend(to: grown.validEnd)
        }
        segments = snapshot.drop { segment in
            (visited.map { segment.firstSequence <= $0 } ?? false) || segment.firstSequence + segment.recordCount <= from
        }[...]
    }

    /// The next record, or nil at the durable end of the snapshot.
    public func next() throws -> SpoolRecord? {
        while true {
            if current == nil {
                guard let segment = segments.popFirst() else { return nil }
                visited = segment.firstSequence
                if segment.recordCount == 0 { continue }
                do {
                    let reader = try SpoolSegmentReader(path: segment.path, maxPayload: maxPayload, limit: segment.validEnd)
                    // The file may have been replaced since recovery checked it.
                    guard reader.header.firstSequence == segment.firstSequence else {
                        spool.noteCorruption(path: segment.path, offset: 0, reason: "header names another first sequence")
                        continue
                    }
                    current = (reader, segment)
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
                // The last segment of the snapshot may still grow: keep it for `refresh`.
                if segments.isEmpty { return nil }
                current = nil
            case .invalid(let offset, let reason):
                spool.noteCorruption(path: open.segment.path, offset: offset, reason: reason)
                current = nil
            }
        }
    }
}
