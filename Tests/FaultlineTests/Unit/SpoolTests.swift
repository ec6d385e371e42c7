import Foundation
import Testing
@testable import Spool

/// The spool's behaviour on a real directory: appends, group commit, segments, release, the size
/// limit, and reopening after a clean close.
@Suite struct SpoolTests {
    @Test func appendedRecordsReadBackInOrder() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open()
        var sequences: [UInt64] = []
        for index in 0..<100 { sequences.append(try await spool.append(spoolPayload(index, size: index * 13))) }
        #expect(sequences == Array(1...100))
        let records = try readAll(spool)
        #expect(records.map(\.sequence) == Array(1...100))
        #expect(records.map(\.payload) == (0..<100).map { spoolPayload($0, size: $0 * 13) })
        #expect(try readAll(spool, from: 50).map(\.sequence) == Array(50...100))
        #expect(try readAll(spool, from: 101).isEmpty)
        #expect(spool.stats.records == 100)
        spool.close()
    }

    @Test func concurrentAppendsShareSyncs() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open(fixture.configuration(segmentBytes: 1 << 20, sync: true))
        let count = 300
        let sequences = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for index in 0..<count { group.addTask { try await spool.append(spoolPayload(index, size: 512)) } }
            var sequences: [UInt64] = []
            for try await sequence in group { sequences.append(sequence) }
            return sequences
        }
        #expect(sequences.sorted() == (1...UInt64(count)).map { $0 })
        let stats = spool.stats
        #expect(stats.appends == UInt64(count))
        #expect(stats.commits < UInt64(count), "group commit: \(stats.commits) groups for \(count) appends")
        #expect(stats.syncs == stats.commits)
        #expect(stats.syncSeconds > 0)
        // Each record holds the payload its append got the sequence for.
        let records = try readAll(spool)
        #expect(records.count == count)
        spool.close()
    }

    @Test func refreshedReaderGoesOnWhereItWas() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        for index in 0..<5 { _ = try await spool.append(spoolPayload(index, size: 1100)) }
        let reader = spool.records(from: 2)
        var seen: [UInt64] = []
        while let record = try reader.next() { seen.append(record.sequence) }
        #expect(seen == [2, 3, 4, 5])
        reader.refresh()
        #expect(try reader.next() == nil)
        for index in 5..<12 { _ = try await spool.append(spoolPayload(index, size: 1100)) }  // fills 4–6, then 7–9, 10–12
        #expect(try reader.next() == nil)  // not before a refresh
        reader.refresh()
        while let record = try reader.next() { seen.append(record.sequence) }
        #expect(seen == Array(2...12))
        #expect(try spool.release(upTo: 9) == 3)
        _ = try await spool.append(spoolPayload(12, size: 1100))
        reader.refresh()
        #expect(try reader.next()?.sequence == 13)
        spool.close()
    }

    @Test func groupCommitDelayGathersAppends() async throws {
        let fixture = try SpoolFixture()
        var configuration = fixture.configuration()
        configuration.groupCommitDelay = .milliseconds(20)
        let spool = try fixture.open(configuration)
        try await withThrowingTaskGroup(of: UInt64.self) { group in
            for index in 0..<50 { group.addTask { try await spool.append(spoolPayload(index)) } }
            try await group.waitForAll()
        }
        #expect(spool.stats.commits < 50, "\(spool.stats.commits) groups for 50 appends")
        #expect(try readAll(spool).count == 50)
        spool.close()
    }

    @Test func closeWritesWhatIsQueuedAndRefusesTheRest() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open()
        let results = await withTaskGroup(of: Result<UInt64, SpoolError>.self) { group in
            for index in 0..<200 {
                group.addTask {
                    do { return .success(try await spool.append(spoolPayload(index))) } catch {
                        return .failure(error as? SpoolError ?? .io("\(error)", 0))
                    }
                }
            }
            group.addTask {
                spool.close()
                return .failure(.closed)
            }
            var results: [Result<UInt64, SpoolError>] = []
            for await result in group { results.append(result) }
            return results
        }
        let written = results.compactMap { try? $0.get() }.sorted()
        #expect(results.allSatisfy { if case .failure(let error) = $0 { error == .closed } else { true } })
        #expect(written == (0..<written.count).map { UInt64($0) + 1 })
        let reopened = try fixture.open()
        #expect(try readAll(reopened).map(\.sequence) == written)
        reopened.close()
    }

    @Test func segmentsRollOverAndAreNamedByFirstSequence() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        for index in 0..<20 { _ = try await spool.append(spoolPayload(index, size: 1100)) }
        // 32-byte header + three 1116-byte records per 4096-byte segment (a fourth would pass it).
        #expect(fixture.segmentFiles == ["00000000000000000001.seg", "00000000000000000004.seg", "00000000000000000007.seg",
                                         "00000000000000000010.seg", "00000000000000000013.seg", "00000000000000000016.seg",
                                         "00000000000000000019.seg"])
        #expect(try fixture.size("00000000000000000001.seg") == 32 + 3 * 1116)
        #expect(try readAll(spool, from: 5).map(\.sequence) == Array(5...20))
        #expect(spool.stats.segments == 7)
        #expect(spool.stats.bytes == 6 * (32 + 3 * 1116) + 32 + 2 * 1116)
        spool.close()
    }

    @Test func aRecordLargerThanASegmentGetsOneOfItsOwn() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        _ = try await spool.append(spoolPayload(0, size: 10))
        #expect(try await spool.append(spoolPayload(1, size: 10_000)) == 2)
        _ = try await spool.append(spoolPayload(2, size: 10))
        #expect(fixture.segmentFiles == ["00000000000000000001.seg", "00000000000000000002.seg", "00000000000000000003.seg"])
        #expect(try readAll(spool).map(\.payload.count) == [10, 10_000, 10])
        spool.close()
    }

    @Test func releaseDeletesOnlyWholeProcessedSegments() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        for index in 0..<20 { _ = try await spool.append(spoolPayload(index, size: 1100)) }
        #expect(try spool.release(upTo: 5) == 1)  // 1–3 gone; 4–6 still holds 6
        #expect(fixture.segmentFiles.first == "00000000000000000004.seg")
        #expect(spool.oldestSequence == 4)
        #expect(try spool.release(upTo: 6) == 1)
        #expect(try readAll(spool).map(\.sequence) == Array(7...20))
        #expect(try spool.release(upTo: UInt64.max) == 4)  // never the newest segment
        #expect(fixture.segmentFiles == ["00000000000000000019.seg"])
        #expect(spool.stats.bytes == 32 + 2 * 1116)
        #expect(try await spool.append([1]) == 21)
        spool.close()
    }

    @Test func fullSpoolRefusesUntilReleased() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open(fixture.configuration(segmentBytes: 4096, maxTotalBytes: 8192))
        var accepted = 0
        while true {
            do {
                _ = try await spool.append(spoolPayload(accepted, size: 1100))
                accepted += 1
            } catch SpoolError.full {
                break
            }
        }
        #expect(accepted == 7)  // 3 × 32 header bytes + 7 × 1116 ≤ 8192 < that + 1116
        #expect(!spool.hasRoom(forPayload: 1100))
        #expect(spool.stats.fullRefusals == 1)
        await #expect(throws: SpoolError.full) { try await spool.append(spoolPayload(98, size: 1100)) }
        #expect(try await spool.append([1]) == 8)  // a small record still fits
        #expect(try spool.release(upTo: 3) == 1)
        #expect(spool.hasRoom(forPayload: 1100))
        #expect(try await spool.append(spoolPayload(99, size: 1100)) == 9)
        spool.close()
    }

    @Test func recordOverTheLimitIsRefused() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open(fixture.configuration(maxRecordBytes: 100))
        await #expect(throws: SpoolError.recordTooLarge(101)) { try await spool.append(spoolPayload(0, size: 101)) }
        #expect(try await spool.append(spoolPayload(0, size: 100)) == 1)
        spool.close()
    }

    @Test func loweringTheRecordLimitKeepsLargerRecordsOnDisk() async throws {
        let fixture = try SpoolFixture()
        var spool = try fixture.open(fixture.configuration())
        #expect(try await spool.append(spoolPayload(0, size: 500)) == 1)
        spool.close()
        // Recovery and readers check the format's limit and the checksum, not the new setting.
        spool = try fixture.open(fixture.configuration(maxRecordBytes: 100))
        var reader = spool.records(from: 1)
        #expect(try reader.next()?.payload == spoolPayload(0, size: 500))
        #expect(try await spool.append(spoolPayload(1, size: 100)) == 2)
        spool.close()
    }

    @Test func reopenAfterCloseContinuesTheSequence() async throws {
        let fixture = try SpoolFixture()
        var spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        for index in 0..<10 { _ = try await spool.append(spoolPayload(index, size: 700)) }
        spool.close()
        await #expect(throws: SpoolError.closed) { try await spool.append([1]) }
        spool = try fixture.open(fixture.configuration(segmentBytes: 4096))
        #expect(spool.stats.bytesCutAtOpen == 0)
        #expect(try await spool.append(spoolPayload(10, size: 700)) == 11)
        #expect(try readAll(spool).map(\.payload) == (0...10).map { spoolPayload($0, size: 700) })
        spool.close()
        #expect(fixture.logs.all.filter { $0.hasPrefix("warning") || $0.hasPrefix("error") }.isEmpty)
    }

    @Test func forwarderCursorAndAge() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open()
        let waiter = Task { await spool.waitForRecords(after: 0) }
        _ = try await spool.append([1])
        _ = try await spool.append([2])
        await waiter.value
        #expect(spool.stats.forwardedSequence == 0)
        try await Task.sleep(for: .milliseconds(20))
        #expect(spool.stats.oldestUnforwardedAge > 0)
        spool.markForwarded(upTo: 99)  // clamped to what is durable
        #expect(spool.stats.forwardedSequence == 2)
        #expect(spool.stats.oldestUnforwardedAge == 0)
        spool.close()
    }

    @Test func aSecondSpoolOnTheSameDirectoryIsRefused() async throws {
        let fixture = try SpoolFixture()
        let spool = try fixture.open()
        #expect(throws: SpoolError.inUse(fixture.directory)) { try fixture.open() }
        _ = try await spool.append([1])
        spool.close()
        let reopened = try fixture.open()
        #expect(try await reopened.append([2]) == 2)
        reopened.close()
    }

    @Test func configurationIsChecked() throws {
        let fixture = try SpoolFixture()
        #expect(throws: SpoolError.self) { try fixture.open(fixture.configuration(segmentBytes: 10)) }
        #expect(throws: SpoolError.self) { try fixture.open(fixture.configuration(segmentBytes: 4096, maxTotalBytes: 4096)) }
        #expect(throws: SpoolError.self) { try fixture.open(fixture.configuration(maxRecordBytes: 0)) }
    }
}
