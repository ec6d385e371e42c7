import Foundation
import Testing
@testable import Spool

/// `kill -9` of a process appending to a spool, at random moments, several times over one
/// directory: after each kill, every record the process was told is durable is on disk, intact,
/// and the next run continues after it. And writes failing part-way (a file size limit standing
/// in for a full disk) are cut back, so the spool goes on cleanly.
@Suite struct SpoolCrashTests {
    private var probe: String {
        get throws {
            let path = TestEnvironment.packageRoot.appendingPathComponent(".build/debug/spool-crash-probe").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw TestSetupError("\(path) is missing: run `swift build` before the spool crash test")
            }
            return path
        }
    }

    /// The `ack <sequence> <id> <crc>` lines printed in full (a line cut by the kill is not counted).
    private func acknowledged(_ output: String) -> [(sequence: UInt64, id: UInt64, crc: UInt32)] {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        return lines.compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 4, fields[0] == "ack", let sequence = UInt64(fields[1]), let id = UInt64(fields[2]),
                  let crc = UInt32(fields[3]) else { return nil }
            return (sequence, id, crc)
        }
    }

    @Test func acknowledgedRecordsSurviveKillNine() async throws {
        let probe = try probe
        let fixture = try SpoolFixture()
        var everAcknowledged: [UInt64: UInt32] = [:]
        var lastRoundMax: UInt64 = 0
        for round in 0..<6 {
            let child = ChildProcess(probe, [fixture.directory, String(Int.random(in: 64...3000)), String(Int.random(in: 1...32))])
            try child.start()
            // Kill at a random moment once it is under way (a kill before any ack checks the empty case).
            let target = round == 0 ? 0 : Int.random(in: 1...400)
            let deadline = Date().addingTimeInterval(30)
            while acknowledged(child.stdout).count < target, Date() < deadline, child.process.isRunning {
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...5)))
            }
            child.kill(SIGKILL)
            _ = await child.wait(timeout: 30)
            let acks = acknowledged(child.stdout)
            #expect(acks.count >= target, "round \(round): stderr \(child.stderr)")
            for ack in acks {
                #expect(everAcknowledged[ack.sequence] == nil, "sequence \(ack.sequence) acknowledged twice")
                everAcknowledged[ack.sequence] = ack.crc
                #expect(ack.sequence > lastRoundMax, "round \(round) reused sequence \(ack.sequence)")
            }
            lastRoundMax = max(lastRoundMax, acks.map(\.sequence).max() ?? 0)

            let spool = try fixture.open(fixture.configuration(segmentBytes: 256 * 1024, maxTotalBytes: 1 << 40, maxRecordBytes: 1 << 20))
            var onDisk: [UInt64: UInt32] = [:]
            let reader = spool.records(from: 0)
            while let record = try reader.next() { onDisk[record.sequence] = CRC32C.checksum(record.payload) }
            spool.close()
            for (sequence, crc) in everAcknowledged {
                #expect(onDisk[sequence] == crc, "round \(round): acknowledged sequence \(sequence) missing or changed")
            }
            #expect(spool.stats.corruptRecords == 0 && spool.stats.corruptSegments == 0)
            lastRoundMax = max(lastRoundMax, onDisk.keys.max() ?? 0)
        }
        #expect(everAcknowledged.count > 0)
    }

    @Test func failedWritesAreCutBackAndTheSpoolGoesOn() async throws {
        let probe = try probe
        let fixture = try SpoolFixture()
        // 1,000-byte payloads (1,016 on disk) against a 100,000-byte file limit: writes fail
        // part-way into the 99th record's group.
        let run = try await ChildProcess.run(probe, [fixture.directory, "1000", "8", "100000"], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let acks = acknowledged(run.stdout)
        let failures = run.stdout.split(separator: "\n").filter { $0.hasPrefix("fail ") }
        #expect(failures.count >= 50)
        #expect(failures.allSatisfy { $0.contains("errno \(EFBIG)") })
        // Logged once per outage (a smaller group may still fit and end one).
        let outages = run.stderr.components(separatedBy: "writing failed").count - 1
        #expect(outages >= 1 && outages == run.stderr.components(separatedBy: "writing works again").count, "\(run.stderr)")
        #expect(try fixture.size("00000000000000000001.seg") == 32 + acks.count * 1016)

        let spool = try fixture.open(fixture.configuration(segmentBytes: 256 * 1024, maxTotalBytes: 1 << 40, maxRecordBytes: 1 << 20))
        #expect(spool.stats.bytesCutAtOpen == 0)
        let onDisk = try readAll(spool)
        #expect(onDisk.map(\.sequence) == Array(1...UInt64(acks.count)))
        #expect(Dictionary(uniqueKeysWithValues: onDisk.map { ($0.sequence, CRC32C.checksum($0.payload)) })
            == Dictionary(uniqueKeysWithValues: acks.map { ($0.sequence, $0.crc) }))
        #expect(try await spool.append([1]) == UInt64(acks.count) + 1)
        spool.close()
    }
}
