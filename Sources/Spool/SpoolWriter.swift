import Foundation

/// The spool's one writer thread and its group commit: it takes everything queued (up to
/// `groupCommitMaxBytes`, and what fits in the current segment), assigns sequences, writes the
/// records with one `pwrite`, syncs once, and only then resumes the appends. Appends arriving
/// during the sync queue up and form the next group, so under load one `fdatasync` serves many
/// requests without any added delay.
final class SpoolWriter: @unchecked Sendable {
    /// The segment records are appended to; touched only by the writer thread.
    struct Active {
        var file: SpoolFile
        var firstSequence: UInt64
        var bytes: Int
        var recordCount: UInt64
        /// Created by this writer and not yet in the spool's segment list.
        var isNew: Bool
    }

    private var active: Active?
    private var thread: Thread?
    /// Writes are failing (disk full): logged once when it starts and once when it ends.
    private var failing = false

    init(active: Active?) {
        self.active = active
    }

    func start(spool: Spool) {
        let thread = Thread { [self] in self.run(spool) }
        thread.name = "spool-writer"
        self.thread = thread
        thread.start()
    }

    private struct Group {
        var first: UInt64
        var items: [Spool.Pending]
        var roll: Bool
        var frameBytes: Int
    }

    private func run(_ spool: Spool) {
        let configuration = spool.configuration
        while let group = nextGroup(spool, configuration) {
            write(group, spool, configuration)
        }
        active?.file.close()
        active = nil
        spool.condition.withLock {
            spool.state.writerDone = true
            spool.condition.broadcast()
        }
    }

    /// Waits for appends and takes the next group (nil once closing and drained).
    private func nextGroup(_ spool: Spool, _ configuration: SpoolConfiguration) -> Group? {
        spool.condition.lock()
        defer { spool.condition.unlock() }
        while spool.state.pending.isEmpty {
            if spool.state.closing { return nil }
            spool.condition.wait()
        }
        if configuration.groupCommitDelay > .zero && !spool.state.closing {
            let delay = configuration.groupCommitDelay.components
            let deadline = Date().addingTimeInterval(Double(delay.seconds) + Double(delay.attoseconds) * 1e-18)
            while spool.state.reservedBytes < configuration.groupCommitMaxBytes, !spool.state.closing,
                  spool.condition.wait(until: deadline) {}
        }
        let pending = spool.state.pending
        let firstSize = SpoolRecordFrame.size(payloadCount: pending[0].payload.count)
        let roll: Bool
        if let active {
            // A new segment also when the sequences would not follow the segment's own (a
            // segment set aside at open took sequences the spool does not reuse).
            roll = active.firstSequence + active.recordCount != spool.state.nextSequence
                || (active.recordCount > 0 && active.bytes + firstSize > configuration.segmentBytes)
        } else {
            roll = true
        }
        let room = roll ? configuration.segmentBytes - SpoolSegmentHeader.size : configuration.segmentBytes - (active?.bytes ?? 0)
        var take = 1
        var bytes = firstSize
        while take < pending.count {
            let next = SpoolRecordFrame.size(payloadCount: pending[take].payload.count)
            guard bytes + next <= configuration.groupCommitMaxBytes, bytes + next <= room else { break }
            bytes += next
            take += 1
        }
        let group = Group(first: spool.state.nextSequence, items: Array(pending[..<take]), roll: roll, frameBytes: bytes)
        spool.state.pending.removeFirst(take)
        spool.state.nextSequence += UInt64(take)
        return group
    }

    private func write(_ group: Group, _ spool: Spool, _ configuration: SpoolConfiguration) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(group.frameBytes)
        for (index, item) in group.items.enumerated() {
            SpoolRecordFrame.encode(sequence: group.first + UInt64(index), payload: item.payload, into: &buffer)
        }
        var syncs: UInt64 = 0
        var syncSeconds = 0.0
        do {
            if group.roll { try roll(to: group.first, configuration) }
            guard var segment = active else { throw SpoolError.closed }
            do {
                try buffer.withUnsafeBytes { try segment.file.write($0, at: segment.bytes) }
            } catch {
                try undoWrite(segment)
                throw error
            }
            if configuration.sync {
                let start = ContinuousClock.now
                do {
                    try segment.file.syncData()
                    if segment.isNew { try SpoolFile.syncDirectory(configuration.directory) }
                } catch {
                    // After a failed fdatasync the kernel may have dropped the dirty pages: what
                    // is on disk is unknown, so the spool takes nothing more (restart recovers).
                    fail(spool, group, error, permanently: true)
                    return
                }
                let elapsed = ContinuousClock.now - start
                spool.metrics.syncDuration.recordNanoseconds(
                    elapsed.components.seconds &* 1_000_000_000 &+ elapsed.components.attoseconds / 1_000_000_000)
                syncs = 1
                syncSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            }
            let headerBytes = segment.isNew ? SpoolSegmentHeader.size : 0
            segment.bytes += buffer.count
            segment.recordCount += UInt64(group.items.count)
            let wasNew = segment.isNew
            segment.isNew = false
            active = segment
            commit(group, spool, segment: segment, wasNew: wasNew, grownBy: buffer.count + headerBytes,
                   syncs: syncs, syncSeconds: syncSeconds)
        } catch {
            fail(spool, group, error, permanently: false)
        }
    }

    /// Closes the current segment and creates the one starting at `first`, header written
    /// (synced with the group's records).
    private func roll(to first: UInt64, _ configuration: SpoolConfiguration) throws {
        active?.file.close()
        active = nil
        let path = configuration.directory + "/" + SpoolSegmentHeader.fileName(firstSequence: first)
        let file = try SpoolFile.create(path)
        do {
            let header = SpoolSegmentHeader(firstSequence: first, createdMillis: SpoolSegmentHeader.nowMillis()).encoded()
            try header.withUnsafeBytes { try file.write($0, at: 0) }
        } catch {
            file.close()
            try? SpoolFile.remove(path)
            throw error
        }
        active = Active(file: file, firstSequence: first, bytes: SpoolSegmentHeader.size, recordCount: 0, isNew: true)
    }

    /// A write failed part-way (disk full): cuts the file back to the last durable record so the
    /// next group starts clean. A new segment is removed instead.
    private func undoWrite(_ segment: Active) throws {
        if segment.isNew {
            segment.file.close()
            active = nil
            try SpoolFile.remove(segment.file.path)
        } else {
            try segment.file.truncate(to: segment.bytes)
        }
    }

    private func commit(_ group: Group, _ spool: Spool, segment: Active, wasNew: Bool, grownBy: Int,
                        syncs: UInt64, syncSeconds: Double) {
        if failing {
            failing = false
            spool.logger.notice("spool: writing works again")
        }
        let last = group.first + UInt64(group.items.count) - 1
        let ready: [CheckedContinuation<Void, Never>] = spool.condition.withLock {
            if wasNew {
                spool.state.segments.append(Spool.Segment(path: segment.file.path, firstSequence: segment.firstSequence,
                                                          recordCount: 0, bytes: 0, validEnd: 0,
                                                          createdMillis: SpoolSegmentHeader.nowMillis()))
            }
            let index = spool.state.segments.count - 1
            spool.state.segments[index].recordCount = segment.recordCount
            spool.state.segments[index].bytes = segment.bytes
            spool.state.segments[index].validEnd = segment.bytes
            spool.state.totalBytes += grownBy
            spool.state.reservedBytes -= group.frameBytes
            spool.state.durableSequence = last
            spool.state.ages.add(sequence: group.first, millis: SpoolSegmentHeader.nowMillis())
            spool.state.stats.commits += 1
            spool.state.stats.syncs += syncs
            spool.state.stats.syncSeconds += syncSeconds
            if syncs > 0 { spool.state.stats.lastSyncSeconds = syncSeconds }
            let ready = spool.state.waiters.filter { $0.value.after < last }
            for id in ready.keys { spool.state.waiters.removeValue(forKey: id) }
            return ready.values.map(\.continuation)
        }
        for (index, item) in group.items.enumerated() { item.continuation.resume(returning: group.first + UInt64(index)) }
        for waiter in ready { waiter.resume() }
    }

    /// Fails the group's appends. The sequences go back (nothing of them is on disk); after a
    /// permanent failure every queued and later append fails too.
    private func fail(_ spool: Spool, _ group: Group, _ error: Error, permanently: Bool) {
        let spoolError = error as? SpoolError ?? .io("\(error)", 0)
        if permanently {
            spool.logger.critical("spool: syncing failed: \(spoolError); the spool takes no more records until restarted")
        } else if !failing {
            spool.logger.error("spool: writing failed: \(spoolError); failing appends until a write succeeds")
        }
        failing = !permanently
        var failed = group.items
        spool.condition.withLock {
            spool.state.reservedBytes -= group.frameBytes
            if permanently {
                spool.state.failure = spoolError
                failed += spool.state.pending
                spool.state.pending = []
                spool.state.reservedBytes = 0
            } else {
                spool.state.nextSequence = group.first
            }
        }
        if permanently {
            active?.file.close()
            active = nil
        }
        for item in failed { item.continuation.resume(throwing: spoolError) }
    }
}
