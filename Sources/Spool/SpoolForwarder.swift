import Logging

/// Hands spooled records on in order (to Kafka, in the relay): reads from a sequence, decodes
/// each record as a `SpoolBatch`, calls `send` until it succeeds, then moves the spool's
/// forwarded cursor; when caught up it waits for new records. Delivery is at least once: a
/// record whose `send` failed part-way is sent again whole, and a restart replays from the
/// processed watermark. It also sets the spool's gauges, about once a second.
public struct SpoolForwarder: Sendable {
    public let spool: Spool
    public let logger: Logger
    /// Pause between attempts while `send` fails.
    public var retryDelay: Duration

    public init(spool: Spool, logger: Logger, retryDelay: Duration = .milliseconds(250)) {
        self.spool = spool
        self.logger = logger
        self.retryDelay = retryDelay
    }

    /// Forwards records from `start` on until the task is cancelled or the spool closes.
    /// `send` gets the record's sequence (to travel with the messages) and its messages; it may
    /// return once they are handed on and follow their acknowledgements itself (the relay's
    /// `SpoolShipper` does, and cancels the run to send again from a failed record). A record that
    /// does not decode is logged and skipped: it cannot become valid by waiting.
    public func run(from start: UInt64, send: @Sendable (UInt64, SpoolBatch) async throws -> Void) async {
        var next = max(start, 1)
        var pacer = Pacer()
        spool.markForwarded(upTo: next - 1)
        var reader = spool.records(from: next)
        while !Task.isCancelled {
            // Everything up to `durable` is in the reader's snapshot, read or unreadable.
            let durable = spool.durableSequence
            reader.refresh()
            do {
                while let record = try reader.next() {
                    guard await forward(record, send, &pacer) else { return }
                    next = record.sequence &+ 1  // a lying file's UInt64.max must not trap
                    spool.markForwarded(upTo: record.sequence)
                    if pacer.due() { spool.publishMetrics() }
                }
            } catch {
                logger.error("spool: reading records from \(next) failed: \(error)")
                if (try? await Task.sleep(for: retryDelay)) == nil { return }
                reader = spool.records(from: next)
                continue
            }
            // Records skipped as corrupt leave a gap: step over it rather than wait on it.
            next = max(next, durable &+ 1)
            spool.markForwarded(upTo: next - 1)
            spool.publishMetrics()
            guard await spool.waitForRecords(after: next - 1) else { return }
        }
    }

    /// Sends one record until it succeeds; false when cancelled meanwhile.
    private func forward(_ record: SpoolRecord, _ send: (UInt64, SpoolBatch) async throws -> Void,
                         _ pacer: inout Pacer) async -> Bool {
        let batch: SpoolBatch
        do {
            batch = try SpoolBatch.decode(record.payload)
        } catch {
            logger.error("spool: record \(record.sequence) is not a message batch (\(error)); skipped")
            return true
        }
        var failures = 0
        while !Task.isCancelled {
            do {
                try await send(record.sequence, batch)
                if failures > 0 { logger.info("spool: forwarding works again after \(failures) failed attempts") }
                return true
            } catch is CancellationError {
                return false
            } catch {
                if failures == 0 { logger.warning("spool: forwarding record \(record.sequence) failed: \(error); retrying") }
                failures += 1
                if pacer.due() { spool.publishMetrics() }  // the age grows while this lasts
                if (try? await Task.sleep(for: retryDelay)) == nil { return false }
            }
        }
        return false
    }

    /// True at most once a second.
    private struct Pacer {
        private var last: ContinuousClock.Instant?

        mutating func due() -> Bool {
            let now = ContinuousClock.now
            if let last, now - last < .seconds(1) { return false }
            last = now
            return true
        }
    }
}
