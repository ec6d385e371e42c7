import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Processor
import Relay
import Spool
import Store
import Testing

/// The relay with its spool, as `faultline dev` runs it: answers come once a request is on disk,
/// the shipper forwards records to the embedded broker and releases them behind the processors,
/// and a replay of records already processed counts nothing twice.
@Suite(.serialized) struct SpoolIngestTests {
    private func released(_ directory: String) -> UInt64? {
        (try? String(contentsOfFile: directory + "/released", encoding: .utf8))
            .flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private func counts(_ db: PGConnection) throws -> (events: Int64, accepted: Int64) {
        let events = try db.query("SELECT count(*) AS n FROM events").first!.int("n")
        let accepted = try db.query("SELECT coalesce(sum(quantity), 0) AS n FROM outcomes_hourly WHERE outcome = 0").first!.int("n")
        return (events, accepted)
    }

    @Test func spooledRequestsAreStoredOnceAndAReplayCountsNothingTwice() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-spool-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database, spool: SpoolConfiguration(directory: directory))
            let spool = try #require(stack.spool)
            let shipper = try #require(stack.shipper)
            let forwarding = Task { await shipper.run() }
            let count = 20
            try await stack.app.test(.live) { client in
                let db = try database.connect()
                defer { db.close() }
                for index in 0..<count {
                    #expect(try await stack.postEnvelope(client, "{}\n{\"type\":\"event\"}\n{\"message\":\"spooled \(index)\"}\n") == .ok)
                }
                #expect(spool.durableSequence == UInt64(count), "one durable record per request before its answer")
                // Stored, counted, and released once the processor committed past them.
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline, try counts(db) != (Int64(count), Int64(count)) || released(directory) != UInt64(count) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(try counts(db) == (Int64(count), Int64(count)))
                #expect(released(directory) == UInt64(count))

                // A restart that lost the release mark replays every record still on disk.
                forwarding.cancel()
                await forwarding.value
                try FileManager.default.removeItem(atPath: directory + "/released")
                spool.close()
                let reopened = try Spool.open(SpoolConfiguration(directory: directory), logger: Logger(label: "test"))
                defer { reopened.close() }
                #expect(reopened.replayStart == 1)
                #expect(reopened.identity == spool.identity)
                let replay = SpoolShipper(spool: reopened, producer: stack.producer, consumedTopics: ProcessorTopics.consumed(.init()),
                                          backlog: stack.backlog, releaseInterval: .milliseconds(100),
                                          recordRelease: SpoolShipper.recordingRelease(of: reopened, in: stack.pool),
                                          logger: Logger(label: "test"))
                let replaying = Task { await replay.run() }
                defer { replaying.cancel() }
                let replayDeadline = Date().addingTimeInterval(60)
                while Date() < replayDeadline, released(directory) != UInt64(count) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(released(directory) == UInt64(count), "the replayed records were processed")
                #expect(try counts(db) == (Int64(count), Int64(count)), "nothing counted twice")
                let receipts = try db.query("SELECT count(*) AS n FROM ingest_receipts").first!.int("n")
                #expect(receipts == Int64(count), "one receipt per outcome message")
                // The relay records its release; the `receipts` job then drops what no replay can need.
                while Date() < replayDeadline,
                      try db.query("SELECT coalesce(max(released), 0) AS n FROM spool_releases").first!.int("n") < Int64(count) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(try IngestReceiptRepository(db).deleteUnneeded(maxAgeDays: 7) == count)
                #expect(try db.query("SELECT count(*) AS n FROM ingest_receipts").first!.int("n") == 0)
            }
            await stack.shutdown()
        }
    }

    @Test func fullSpoolAnswers503WithRetryAfterAndReadinessSaysSo() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-spool-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(
                database: database, spool: SpoolConfiguration(directory: directory, segmentBytes: 1 << 20, maxTotalBytes: 4 << 20))
            // No shipper runs: nothing is released, so fill the spool to its limit directly.
            let spool = try #require(stack.spool)
            for size in [256 * 1024, 16 * 1024, 512, 1] {
                let filler = [UInt8](repeating: 7, count: size)
                while spool.hasRoom(forPayload: filler.count) { _ = try await spool.append(filler) }
            }
            try await stack.app.test(.live) { client in
                let auth: HTTPFields = [.init("X-Sentry-Auth")!: "Sentry sentry_key=\(stack.dsnKey.publicKey), sentry_version=7"]
                let response = try await client.execute(uri: "/api/\(stack.projectID)/envelope/", method: .post, headers: auth,
                                                        body: ByteBuffer(string: "{}\n{\"type\":\"event\"}\n{\"message\":\"x\"}\n"))
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] != nil)
                let ready = try await client.execute(uri: "/readyz", method: .get)
                #expect(ready.status == .serviceUnavailable)
                #expect(String(buffer: ready.body).contains("spool full"))
            }
            await stack.shutdown()
        }
    }
}
