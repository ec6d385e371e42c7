import Kafka

/// What the relay's forwarder has sent from the spool to Kafka and what became of it, to say
/// how far the spool may be released and where to resend from after a failure. Pure: the
/// shipper feeds it delivery reports and the processors' committed offsets.
///
/// A record is *processed* when every one of its messages was acknowledged by Kafka and, for a
/// topic a processor consumes here, the consumer group's committed offset has passed it. For
/// any other topic the acknowledgement is enough: nobody here will read it. The release
/// watermark is the end of the longest run of processed records from the oldest.
struct ShipmentLedger {
    struct Entry {
        let sequence: UInt64
        /// Messages not yet acknowledged or failed.
        var outstanding: Int
        var failed = false
        /// Highest offset per consumed partition this record's messages got.
        var positions: [TopicPartition: Int64] = [:]
    }

    /// Records sent and not yet released, oldest first (`head` skips the released ones).
    private var entries: [Entry] = []
    private var head = 0
    /// Every record up to here was sent, or skipped by the forwarder (undecodable, a gap).
    private(set) var scanned: UInt64
    /// Messages queued to Kafka and not yet acknowledged or failed.
    private(set) var inFlight = 0
    /// Set when a record must be sent again: a delivery failed, the broker lost an unprocessed
    /// message, or the cluster changed. The shipper then drains and calls `rewind`.
    private(set) var needsRewind = false
    private var rewindAll = false

    init(startingAfter sequence: UInt64) {
        scanned = sequence
    }

    var pendingRecords: Int { entries.count - head }

    /// A record is about to be sent with `messageCount` messages.
    mutating func begin(_ sequence: UInt64, messageCount: Int) {
        entries.append(Entry(sequence: sequence, outstanding: messageCount))
        inFlight += messageCount
        scanned = max(scanned, sequence)
    }

    /// The forwarder passed `sequence` without sending it (nothing to send, or undecodable).
    mutating func skip(through sequence: UInt64) {
        scanned = max(scanned, sequence)
    }

    /// A message of `sequence` was acknowledged at `offset`; `consumed` says whether a
    /// processor here must commit past it before the record counts as processed.
    mutating func delivered(_ sequence: UInt64, partition: TopicPartition, offset: Int64, consumed: Bool) {
        inFlight -= 1
        guard let index = find(sequence) else { return }
        entries[index].outstanding -= 1
        if consumed { entries[index].positions[partition] = max(entries[index].positions[partition] ?? offset, offset) }
    }

    /// A message of `sequence` failed: the record is sent again.
    mutating func failed(_ sequence: UInt64) {
        inFlight -= 1
        needsRewind = true
        guard let index = find(sequence) else { return }
        entries[index].outstanding -= 1
        entries[index].failed = true
    }

    /// The last `unqueued` messages of `sequence` could not be queued at all (no report will
    /// come for them): the record is sent again.
    mutating func abandon(_ sequence: UInt64, unqueued: Int) {
        inFlight -= unqueued
        needsRewind = true
        guard let index = find(sequence) else { return }
        entries[index].outstanding -= unqueued
        entries[index].failed = true
    }

    /// The broker now belongs to another cluster (a restarted in-memory broker): offsets noted
    /// so far mean nothing there, so every unreleased record is sent again.
    mutating func clusterChanged() {
        needsRewind = true
        rewindAll = true
    }

    /// Releases the processed records from the oldest on and returns the watermark: every record
    /// up to it is processed. `committed`: the consumer group's next offset per consumed
    /// partition; `logStart`: each partition's first offset still held by the broker. A message
    /// the broker dropped before it was committed (`logStart` past it) is lost there and its
    /// record is sent again.
    mutating func release(committed: [TopicPartition: Int64], logStart: [TopicPartition: Int64]) -> UInt64 {
        // After a cluster change the offsets noted belong to the old cluster and those measured
        // to the new one: nothing may be judged processed until the rewind.
        while head < entries.count && !rewindAll {
            let entry = entries[head]
            guard entry.outstanding == 0, !entry.failed else { break }
            var processed = true
            for (partition, offset) in entry.positions where (committed[partition] ?? 0) <= offset {
                processed = false
                if let start = logStart[partition], start > offset { markLost(at: head) }
            }
            guard processed else { break }
            head += 1
        }
        if head > 64 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        guard head < entries.count else { return scanned }
        let first = entries[head].sequence
        return first > 0 ? first - 1 : 0
    }

    private mutating func markLost(at index: Int) {
        entries[index].failed = true
        needsRewind = true
    }

    /// After a failure, once nothing is in flight (else nil: wait for the reports): forgets the records from the first one to
    /// send again (the first failed one; every unreleased one after a cluster change) and
    /// returns its sequence, where the forwarder restarts. Records after it that Kafka already
    /// has are sent twice; processors drop the copies (events by id, the rest by receipt).
    mutating func rewind() -> UInt64? {
        guard inFlight == 0 else { return nil }
        let live = entries[head...]
        let restart = (rewindAll ? live.first : live.first(where: \.failed))?.sequence ?? (scanned &+ 1)
        entries.removeAll { $0.sequence >= restart }
        head = min(head, entries.count)
        scanned = restart > 0 ? restart - 1 : 0
        needsRewind = false
        rewindAll = false
        return restart
    }

    /// Entries are sorted by sequence (begun in order), so a binary search finds one.
    private func find(_ sequence: UInt64) -> Int? {
        var low = head, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].sequence < sequence { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].sequence == sequence ? low : nil
    }
}
