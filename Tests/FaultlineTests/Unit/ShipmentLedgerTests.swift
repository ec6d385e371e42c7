import Kafka
import Testing
@testable import Relay

/// The relay's record of what it forwarded from the spool: when a record counts as processed,
/// where the spool may be released to, and where to resend from after a failure.
@Suite struct ShipmentLedgerTests {
    let events0 = TopicPartition(topic: "ingest-events", partition: 0)
    let events1 = TopicPartition(topic: "ingest-events", partition: 1)
    let sessions0 = TopicPartition(topic: "ingest-sessions", partition: 0)

    @Test func recordsAreReleasedOnceCommittedPastInOrder() {
        var ledger = ShipmentLedger(startingAfter: 0)
        ledger.begin(1, messageCount: 1)
        ledger.begin(2, messageCount: 2)
        ledger.begin(3, messageCount: 1)
        #expect(ledger.inFlight == 4)
        ledger.delivered(1, partition: events0, offset: 10, consumed: true)
        ledger.delivered(2, partition: events1, offset: 5, consumed: true)
        ledger.delivered(2, partition: sessions0, offset: 7, consumed: false)
        ledger.delivered(3, partition: events0, offset: 11, consumed: true)
        #expect(ledger.inFlight == 0)
        // Nothing committed: nothing processed.
        #expect(ledger.release(committed: [:], logStart: [:]) == 0)
        // Record 1 committed (next offset 11 > 10); record 2's events1@5 not yet.
        #expect(ledger.release(committed: [events0: 12, events1: 5], logStart: [:]) == 1)
        // Record 3 is committed already but waits behind record 2.
        #expect(ledger.pendingRecords == 2)
        #expect(ledger.release(committed: [events0: 12, events1: 6], logStart: [:]) == 3)
        #expect(ledger.pendingRecords == 0)
    }

    @Test func unconsumedTopicsCountAtAcknowledgement() {
        var ledger = ShipmentLedger(startingAfter: 0)
        ledger.begin(1, messageCount: 1)
        #expect(ledger.release(committed: [:], logStart: [:]) == 0, "not acknowledged yet")
        ledger.delivered(1, partition: sessions0, offset: 0, consumed: false)
        #expect(ledger.release(committed: [:], logStart: [:]) == 1)
    }

    @Test func skippedRecordsMoveTheWatermarkWhenNothingIsPending() {
        var ledger = ShipmentLedger(startingAfter: 4)
        #expect(ledger.release(committed: [:], logStart: [:]) == 4)
        ledger.skip(through: 9)
        #expect(ledger.release(committed: [:], logStart: [:]) == 9)
    }

    @Test func failedDeliveryRewindsToTheFailedRecordOnceDrained() {
        var ledger = ShipmentLedger(startingAfter: 0)
        ledger.begin(1, messageCount: 1)
        ledger.begin(2, messageCount: 1)
        ledger.begin(3, messageCount: 1)
        ledger.delivered(1, partition: events0, offset: 0, consumed: true)
        ledger.failed(2)
        #expect(ledger.needsRewind)
        #expect(ledger.rewind() == nil, "record 3 is still in flight")
        ledger.delivered(3, partition: events0, offset: 1, consumed: true)
        #expect(ledger.rewind() == 2)
        #expect(!ledger.needsRewind)
        // Record 1 stays, waiting for its commit; 2 and 3 are sent again.
        #expect(ledger.pendingRecords == 1)
        #expect(ledger.release(committed: [events0: 1], logStart: [:]) == 1)
        ledger.begin(2, messageCount: 1)
        ledger.delivered(2, partition: events0, offset: 2, consumed: true)
        #expect(ledger.release(committed: [events0: 3], logStart: [:]) == 2)
    }

    @Test func recordsNotQueuedAreAbandonedAndSentAgain() {
        var ledger = ShipmentLedger(startingAfter: 0)
        ledger.begin(1, messageCount: 3)
        ledger.delivered(1, partition: events0, offset: 0, consumed: true)
        ledger.abandon(1, unqueued: 2)
        #expect(ledger.inFlight == 0)
        #expect(ledger.rewind() == 1)
        #expect(ledger.pendingRecords == 0)
    }

    @Test func messageDroppedByTheBrokerBeforeCommitIsSentAgain() {
        var ledger = ShipmentLedger(startingAfter: 0)
        ledger.begin(1, messageCount: 1)
        ledger.delivered(1, partition: events0, offset: 3, consumed: true)
        // The log now starts at 5 while the group has committed only up to 2: offset 3 is gone unread.
        #expect(ledger.release(committed: [events0: 2], logStart: [events0: 5]) == 0)
        #expect(ledger.needsRewind)
        #expect(ledger.rewind() == 1)
    }

    @Test func clusterChangeSendsEveryUnreleasedRecordAgain() {
        var ledger = ShipmentLedger(startingAfter: 0)
        for sequence in 1...3 as ClosedRange<UInt64> {
            ledger.begin(sequence, messageCount: 1)
            ledger.delivered(sequence, partition: events0, offset: Int64(sequence), consumed: true)
        }
        #expect(ledger.release(committed: [events0: 2], logStart: [:]) == 1)
        ledger.clusterChanged()
        #expect(ledger.rewind() == 2)
        #expect(ledger.pendingRecords == 0)
        #expect(ledger.release(committed: [:], logStart: [:]) == 1)
    }

    @Test func reportsForUnknownRecordsDoNotTrap() {
        var ledger = ShipmentLedger(startingAfter: 0)
        ledger.begin(5, messageCount: 1)
        ledger.delivered(4, partition: events0, offset: 0, consumed: true)
        ledger.failed(6)
        #expect(ledger.needsRewind)
    }
}
