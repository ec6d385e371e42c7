import Foundation
import Testing
@testable import Spool

/// The forwarder hands records on in order, retries a failing send without skipping or
/// reordering, steps over a record that is not a batch, and stops when cancelled.
@Suite struct SpoolForwarderTests {
    /// What `send` received, and how many more calls should fail first.
    final class Sink: @unchecked Sendable {
        private let lock = NSLock()
        private var received: [(UInt64, SpoolBatch)] = []
        private var failuresLeft: Int

        init(failFirst: Int = 0) { failuresLeft = failFirst }

        func send(_ sequence: UInt64, _ batch: SpoolBatch) throws {
            try lock.withLock {
                if failuresLeft > 0 {
                    failuresLeft -= 1
                    throw SpoolError.io("produce", 0)
                }
                received.append((sequence, batch))
            }
        }

        var sequences: [UInt64] { lock.withLock { received.map(\.0) } }
        var batches: [SpoolBatch] { lock.withLock { received.map(\.1) } }

        func waitFor(_ count: Int) async throws {
            let deadline = Date().addingTimeInterval(10)
            while sequences.count < count, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        }
    }

    private func batch(_ index: Int) throws -> [UInt8] {
        try SpoolBatch(messages: [.init(topic: "ingest-events", key: Array("\(index)".utf8), value: spoolPayload(index, size: 50)),
                                  .init(topic: "outcomes", key: nil, value: Array("{\"n\":\(index)}".utf8))]).encoded()
    }

    private func start(_ spool: Spool, _ sink: Sink, from: UInt64 = 1) -> Task<Void, Never> {
        let forwarder = SpoolForwarder(spool: spool, logger: .init(label: "t"), retryDelay: .milliseconds(1))
        return Task { await forwarder.run(from: from) { try sink.send($0, $1) } }
    }

    /// Runs a forwarder until the sink holds `count` records, then cancels it.
    private func forward(_ spool: Spool, into sink: Sink, count: Int) async throws {
        let task = start(spool, sink)
        try await sink.waitFor(count)
        task.cancel()
        await task.value
    }

    @Test func forwardsInOrderAndFollowsNewRecords() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        for index in 0..<30 { _ = try await spool.append(try batch(index)) }
        let sink = Sink()
        let task = start(spool, sink)
        try await sink.waitFor(30)
        for index in 30..<60 { _ = try await spool.append(try batch(index)) }  // while it waits
        try await sink.waitFor(60)
        task.cancel()
        await task.value
        #expect(sink.sequences == Array(1...60))
        #expect(try sink.batches == (0..<60).map { try SpoolBatch.decode(try batch($0)) })
        #expect(spool.stats.forwardedSequence == 60)
        spool.close()
    }

    @Test func failingSendIsRetriedWithoutSkipping() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open()
        for index in 0..<5 { _ = try await spool.append(try batch(index)) }
        let sink = Sink(failFirst: 3)
        try await forward(spool, into: sink, count: 5)
        #expect(sink.sequences == Array(1...5))
        spool.close()
    }

    @Test func recordThatIsNotABatchIsSkipped() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open()
        _ = try await spool.append(try batch(0))
        _ = try await spool.append([9, 9, 9])  // unknown version
        _ = try await spool.append(try batch(2))
        let sink = Sink()
        try await forward(spool, into: sink, count: 2)
        #expect(sink.sequences == [1, 3])
        #expect(spool.stats.forwardedSequence == 3)
        spool.close()
    }

    @Test func replayStartsAtTheGivenSequenceAndStopsWhenTheSpoolCloses() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open()
        for index in 0..<10 { _ = try await spool.append(try batch(index)) }
        let sink = Sink()
        let task = start(spool, sink, from: 8)  // 1–7 processed before a restart
        try await sink.waitFor(3)
        spool.close()
        await task.value  // returns without cancellation
        #expect(sink.sequences == [8, 9, 10])
    }
}
