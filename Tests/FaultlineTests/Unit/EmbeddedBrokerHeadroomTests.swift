import Kafka
import Relay
import Testing

@Suite struct EmbeddedBrokerHeadroomTests {
    let events = TopicPartition(topic: "ingest-events", partition: 0)
    let outcomes = TopicPartition(topic: "outcomes", partition: 3)
    let headroom = EmbeddedBrokerHeadroom(fillRatio: 0.5, partitionBytes: 1_000_000)

    @Test func untrimmedLogIsBoundedByTheUncompressedSizeOfWhatIsUnread() {
        // 40 unread messages of 10 KB = 400 KB: under half of 1 MB.
        let state = PartitionBacklog(partition: events, low: 0, high: 100, committed: 60)
        #expect(headroom.fullPartition([state], sentSince: [:], messageBytes: ["ingest-events": 10_000]) == nil)
        // 11 more acknowledged since the measurement: 510 KB.
        #expect(headroom.fullPartition([state], sentSince: [events: 11], messageBytes: ["ingest-events": 10_000]) == events)
        // Nothing committed yet: everything from the log start is unread.
        let fresh = PartitionBacklog(partition: events, low: 0, high: 60, committed: nil)
        #expect(headroom.fullPartition([fresh], sentSince: [:], messageBytes: ["ingest-events": 10_000]) == events)
    }

    @Test func trimmedLogIsBoundedByTheMessagesItHolds() {
        // The log holds offsets 1000..<2000 (its limit); 400 unread is under half, 600 is over.
        let reading = PartitionBacklog(partition: outcomes, low: 1000, high: 2000, committed: 1600)
        #expect(headroom.fullPartition([reading], sentSince: [:], messageBytes: ["outcomes": 50_000]) == nil)
        let behind = PartitionBacklog(partition: outcomes, low: 1000, high: 2000, committed: 1400)
        #expect(headroom.fullPartition([behind], sentSince: [:], messageBytes: [:]) == outcomes)
        // A position before the log start counts from the start (the rest is gone already).
        let lost = PartitionBacklog(partition: outcomes, low: 1000, high: 2000, committed: 10)
        #expect(lost.unread == 1000)
        #expect(headroom.fullPartition([lost], sentSince: [:], messageBytes: [:]) == outcomes)
    }

    @Test func unknownMessageSizeAssumesATypicalEvent() {
        // 40 unread of an assumed 16 KB = 640 KB: over half of 1 MB.
        let state = PartitionBacklog(partition: events, low: 0, high: 40, committed: 0)
        #expect(headroom.fullPartition([state], sentSince: [:], messageBytes: [:]) == events)
        #expect(headroom.fullPartition([], sentSince: [events: 1000], messageBytes: [:]) == nil)
    }
}
