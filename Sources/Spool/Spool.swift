import Foundation
import Logging

/// The relay's write-ahead spool: an append-only log of records in segment files on local disk
/// (format and rules: docs/SPOOL.md). `append` returns a record's sequence only once the record
/// is on disk (`fdatasync`); concurrent appends share one write and one sync (group commit, in
/// `SpoolWriter`). A forwarder reads records in order (`records(from:)`), reports what it handed
/// on (`markForwarded`), and whole segments are deleted once everything in them is known to be
/// processed (`release`). Thread-safe; call `close()` when done (the writer thread holds it).
public final class Spool: @unchecked Sendable {
    public let configuration: SpoolConfiguration
    let logger: Logger
    /// Guards `state`; the writer thread waits on it for appends.
    let condition = NSCondition()
    var state: State
    private let writer: SpoolWriter
    let metrics = SpoolMetrics()
    /// The directory's lock, released by `close`.
    private let lock: SpoolFile
    /// 16 random bytes naming this spool for good (file `id`): forwarded messages carry it.
    public let identity: [UInt8]
    /// Where a forwarder starts after open: after the watermark `release` recorded last (file
    /// `released`), or at the oldest record when there is none.
    public let replayStart: UInt64
    /// The last watermark written to `released`, to write it only when it moves.
    private var recordedRelease: UInt64?

    typealias Segment = SpoolRecovery.Segment

    struct Pending {
        var payload: [UInt8]
        var continuation: CheckedContinuation<UInt64, Error>
    }

    struct State {
        /// Durable segments, oldest first; the writer's segment is the last once it holds a record.
        var segments: [Segment]
        var pending: [Pending] = []
        var reservedBytes = 0
        var totalBytes: Int
        var nextSequence: UInt64
        var durableSequence: UInt64
        var forwardedSequence: UInt64
        /// Set after a failed sync or an unrepairable write: every append then fails.
        var failure: SpoolError?
        var closing = false
        var writerDone = false
        var waiters: [UInt64: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiterID: UInt64 = 0
        var ages = SpoolAgeMarks()
        var stats: SpoolStats
    }

    /// Opens (creating if needed) the spool in `configuration.directory`, repairing a torn tail
    /// (`SpoolRecovery`), and starts the writer thread.
    public static func open(_ configuration: SpoolConfiguration, logger: Logger) throws -> Spool {
        try configuration.validate()
        do {
            try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        } catch {
            throw SpoolError.io("create \(configuration.directory): \(error)", 0)
        }
        // Two writers on one directory would interleave records: the second open is refused.
        guard let lock = try SpoolFile.lock(configuration.directory + "/" + lockFileName) else {
            throw SpoolError.inUse(configuration.directory)
        }
        let recovery = try SpoolRecovery.run(directory: configuration.directory,
                                             maxPayload: SpoolRecordFrame.maxPayloadBytes, logger: logger)
        let identity = try SpoolMarks.identity(directory: configuration.directory, logger: logger)
        let released = SpoolMarks.released(directory: configuration.directory)
        return try Spool(configuration: configuration, recovery: recovery, lock: lock, identity: identity,
                         released: released, logger: logger)
    }

    /// Held (`flock`) while the spool is open; its name is not a segment's, so recovery ignores it.
    static let lockFileName = "lock"

    private init(configuration: SpoolConfiguration, recovery: SpoolRecovery, lock: SpoolFile, identity: [UInt8],
                 released: UInt64?, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.lock = lock
        self.identity = identity
        // A mark beyond the sequences the format allows is not one this spool wrote.
        let released = released.flatMap { $0 < 1 << 62 ? $0 : nil }
        recordedRelease = released
        let segments = recovery.segments
        // Sequences up to the mark were given out already, even if their segments are gone (the
        // tail was cut, files were removed): new records continue after it, or their receipts
        // would collide with those of records already counted.
        let nextSequence = max(recovery.nextSequence, released.map { $0 + 1 } ?? 0)
        if nextSequence > recovery.nextSequence {
            logger.warning("spool: the release mark \(nextSequence - 1) is past the last record on disk (\(recovery.nextSequence - 1)); new records start at \(nextSequence)")
        }
        let durable = nextSequence - 1
        let oldest = segments.first(where: { $0.recordCount > 0 })?.firstSequence ?? nextSequence
        // Replay after the mark; one before the oldest record replays from it.
        replayStart = max(oldest, min(released.map { $0 + 1 } ?? 0, nextSequence))
        var ages = SpoolAgeMarks()
        for segment in segments where segment.recordCount > 0 {
            ages.add(sequence: segment.firstSequence, millis: segment.createdMillis, force: true)
        }
        let stats = SpoolStats(bytes: 0, pendingBytes: 0, records: 0, segments: 0, durableSequence: durable,
                               forwardedSequence: oldest - 1, oldestUnforwardedAge: 0, appends: 0, commits: 0,
                               syncs: 0, syncSeconds: 0, lastSyncSeconds: 0, fullRefusals: 0,
                               bytesCutAtOpen: recovery.bytesCut, bytesSkippedAtOpen: recovery.bytesSkipped,
                               corruptRecords: recovery.corruptRecords, corruptSegments: recovery.corruptSegments)
        state = State(segments: segments, totalBytes: segments.reduce(0) { $0 + $1.bytes },
                      nextSequence: nextSequence, durableSequence: durable,
                      forwardedSequence: oldest - 1, ages: ages, stats: stats)
        // The newest segment takes further records, unless it ends in skipped bytes (it was not
        // the newest file: a newer one was set aside).
        var active: SpoolWriter.Active?
        if let last = segments.last, last.validEnd == last.bytes, nextSequence == recovery.nextSequence {
            active = SpoolWriter.Active(file: try SpoolFile.openForWriting(last.path), firstSequence: last.firstSequence,
                                        bytes: last.bytes, recordCount: last.recordCount, isNew: false)
        }
        writer = SpoolWriter(active: active)
        writer.start(spool: self)
    }

    /// Appends one record and returns its sequence once it is durable. Throws `SpoolError.full`
    /// at once (no I/O) when it would exceed `maxTotalBytes`.
    public func append(_ payload: [UInt8]) async throws -> UInt64 {
        guard payload.count <= configuration.maxRecordBytes else { throw SpoolError.recordTooLarge(payload.count) }
        let size = SpoolRecordFrame.size(payloadCount: payload.count)
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if let refusal = admit(size: size) {
                condition.unlock()
                continuation.resume(throwing: refusal)
                return
            }
            state.reservedBytes += size
            state.pending.append(Pending(payload: payload, continuation: continuation))
            condition.signal()
            condition.unlock()
        }
    }

    /// Whether a record of this payload size would be taken now (what `append` checks first).
    public func hasRoom(forPayload count: Int) -> Bool {
        guard count >= 0, count <= configuration.maxRecordBytes else { return false }
        return condition.withLock {
            state.failure == nil && !state.closing
                && state.totalBytes + state.reservedBytes + SpoolRecordFrame.size(payloadCount: count) <= configuration.maxTotalBytes
        }
    }

    /// Takes a record of `size` bytes into the count, or says why not. Must hold the lock.
    private func admit(size: Int) -> SpoolError? {
        if let failure = state.failure { return failure }
        if state.closing { return .closed }
        // Both sums stay far below Int.max: each is bounded by maxTotalBytes plus one record.
        if state.totalBytes + state.reservedBytes + size > configuration.maxTotalBytes {
            state.stats.fullRefusals += 1
            metrics.fullRefusals.increment()
            return .full
        }
        state.stats.appends += 1
        return nil
    }

    /// Reads durable records with sequence ≥ `sequence`, oldest first, up to what is durable now.
    public func records(from sequence: UInt64) -> SpoolReader {
        SpoolReader(segments: segmentsSnapshot(), from: sequence, maxPayload: SpoolRecordFrame.maxPayloadBytes, spool: self)
    }

    func segmentsSnapshot() -> [Segment] { condition.withLock { state.segments } }

    /// Returns once a record after `sequence` is durable (true), or the spool is closing or the
    /// task cancelled (false).
    @discardableResult
    public func waitForRecords(after sequence: UInt64) async -> Bool {
        let id = condition.withLock {
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                condition.lock()
                if state.durableSequence > sequence || state.closing || Task.isCancelled {
                    condition.unlock()
                    continuation.resume()
                    return
                }
                state.waiters[id] = (sequence, continuation)
                condition.unlock()
            }
        } onCancel: {
            condition.withLock { state.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
        return condition.withLock { !state.closing } && !Task.isCancelled
    }

    /// The forwarder handed every record up to `sequence` to Kafka (in-memory only: on restart,
    /// what was forwarded is whatever the processed watermark says).
    public func markForwarded(upTo sequence: UInt64) {
        condition.withLock {
            state.forwardedSequence = max(state.forwardedSequence, min(sequence, state.durableSequence))
            state.ages.forwarded(upTo: state.forwardedSequence)
        }
    }

    /// Everything up to `watermark` is processed (committed by the processors): deletes the
    /// segments wholly below it, never the newest, and records the watermark (file `released`)
    /// for the next open's `replayStart`. Returns how many segments were deleted.
    @discardableResult
    public func release(upTo watermark: UInt64) throws -> Int {
        let bound = condition.withLock { min(watermark, state.durableSequence) }
        // The mark first: if it cannot be written, nothing is given up. Only the forwarder calls
        // release, so `recordedRelease` has one writer.
        if recordedRelease.map({ bound > $0 }) ?? true {
            try SpoolMarks.recordReleased(directory: configuration.directory, bound)
            recordedRelease = bound
        }
        let doomed: [Segment] = condition.withLock {
            var doomed: [Segment] = []
            // A segment ends where the next begins (this also covers a skipped corrupt tail).
            while state.segments.count > 1, state.segments[1].firstSequence - 1 <= bound {
                doomed.append(state.segments.removeFirst())
            }
            return doomed
        }
        guard !doomed.isEmpty else { return 0 }
        var removed = 0
        var freed = 0
        defer {
            condition.withLock {
                state.totalBytes -= freed
                // What could not be removed stays a segment (counted, retried next time).
                state.segments.insert(contentsOf: doomed[removed...], at: 0)
            }
        }
        for segment in doomed {
            try SpoolFile.remove(segment.path)
            removed += 1
            freed += segment.bytes
        }
        try SpoolFile.syncDirectory(configuration.directory)
        return doomed.count
    }

    /// The sequence of the oldest record still on disk (the next one to be written when empty).
    public var oldestSequence: UInt64 {
        condition.withLock { state.segments.first(where: { $0.recordCount > 0 })?.firstSequence ?? state.nextSequence }
    }

    public var durableSequence: UInt64 { condition.withLock { state.durableSequence } }

    /// Sets the spool's gauges (`faultline_spool_bytes`, `_records`, `_unforwarded_records`,
    /// `_oldest_unforwarded_seconds`) from `stats`.
    public func publishMetrics() { metrics.publish(stats) }

    public var stats: SpoolStats {
        condition.withLock {
            var stats = state.stats
            stats.bytes = state.totalBytes
            stats.pendingBytes = state.reservedBytes
            stats.records = state.segments.reduce(0) { $0 + $1.recordCount }
            stats.segments = state.segments.count
            stats.durableSequence = state.durableSequence
            stats.forwardedSequence = state.forwardedSequence
            stats.oldestUnforwardedAge = state.forwardedSequence >= state.durableSequence
                ? 0 : state.ages.age(nowMillis: SpoolSegmentHeader.nowMillis())
            return stats
        }
    }

    /// Writes what is queued, stops the writer thread and closes the files. Later appends throw
    /// `SpoolError.closed`.
    public func close() {
        condition.lock()
        state.closing = true
        condition.broadcast()
        while !state.writerDone { condition.wait() }
        let waiters = state.waiters
        state.waiters = [:]
        lock.close()
        condition.unlock()
        for waiter in waiters.values { waiter.continuation.resume() }
    }

    /// A reader met a corrupt record after open (the disk changed under the spool).
    func noteCorruption(path: String, offset: Int, reason: String) {
        logger.error("spool: corrupt record in \(path) at byte \(offset) (\(reason)); skipping the rest of that segment")
        condition.withLock { state.stats.corruptRecords += 1 }
    }
}
