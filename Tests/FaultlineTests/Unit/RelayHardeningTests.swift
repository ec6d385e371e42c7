import CompressNIO
import Core
import EventModel
import Foundation
import NIOCore
import Quotas
import Testing
@testable import Relay
@testable import RelayConfig
@testable import Store
@testable import Web

/// The pure parts of the relay's hostile-input defences: what it reads before a key is known,
/// which keys it looks up, whose addresses it believes, what passes as a security report.
@Suite struct RelayHardeningTests {
    let context = IngestPlan.Context(projectID: 7, organizationID: 2, keyID: 3, received: Date(timeIntervalSince1970: 1_700_000_000),
                                     clientIP: "10.0.0.1", sdk: "sentry.python/2.0", topics: Topics(), limits: RelayLimits())

    // MARK: Envelope header line before authentication

    @Test func headerLineIsReadFromTheStartOfTheBodyOnly() {
        let dsn = "http://0123456789abcdef0123456789abcdef@h/1"
        let body = Array("{\"dsn\":\"\(dsn)\"}\n{\"type\":\"event\"}\n{}\n".utf8)
        #expect(EnvelopeHeaderSniffer.sniff(body, complete: false) == .header(["dsn": .string(dsn)]))
        // No newline yet: read on, unless the body ended (then the whole body is the header).
        #expect(EnvelopeHeaderSniffer.sniff(Array("{\"dsn\":".utf8), complete: false) == .needMore)
        #expect(EnvelopeHeaderSniffer.sniff(Array("{}".utf8), complete: true) == .header([:]))
        // A line longer than the bound is refused without reading further.
        let long = Array("{\"x\":\"".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: EnvelopeHeaderSniffer.maxLine + 10)
        guard case .invalid(let error) = EnvelopeHeaderSniffer.sniff(long, complete: false) else {
            Issue.record("a line over the bound must be invalid")
            return
        }
        #expect(error.description.contains("longer than"))
        #expect(EnvelopeHeaderSniffer.sniff(Array("[1]\n".utf8), complete: false) == .invalid(.invalidHeader("not an object")))
        #expect(EnvelopeHeaderSniffer.sniff(Array("{\n".utf8), complete: false) == .invalid(.invalidHeader("malformed JSON")))
        let nested = String(repeating: "[", count: 50_000)
        #expect(EnvelopeHeaderSniffer.sniff(Array("{\"a\":\(nested)\n".utf8), complete: false) == .invalid(.invalidHeader("malformed JSON")))
    }

    @Test func prefixDecodingStopsAtTheBoundAndAcceptsACutStream() throws {
        // 10 MB of newline-free header after a first line: only the bound is decoded.
        let line = Array("{\"dsn\":\"x\"}\n".utf8)
        var plain = ByteBuffer(bytes: line + [UInt8](repeating: UInt8(ascii: "a"), count: 10_000_000))
        let gzip = try plain.compress(with: .gzip())
        let decoded = try BodyDecoder.decodePrefix(gzip, encoding: "gzip", limit: 100)
        #expect(decoded.count == 100)
        #expect(Array(decoded.prefix(line.count)) == line)
        // Only the first bytes of the compressed stream: whatever they yield, no error.
        let start = gzip.getSlice(at: gzip.readerIndex, length: 40)!
        let partial = try BodyDecoder.decodePrefix(start, encoding: "gzip", limit: 100)
        #expect(line.starts(with: partial) || partial.starts(with: line))
        let zstd = ZstdFixture.compress(line + [UInt8](repeating: 0, count: 1_000_000))
        let zstdPrefix = try BodyDecoder.decodePrefix(ByteBuffer(bytes: zstd), encoding: "zstd", limit: 64)
        #expect(zstdPrefix.count == 64)
        #expect(zstdPrefix.starts(with: line))
        let zstdCut = try BodyDecoder.decodePrefix(ByteBuffer(bytes: zstd.prefix(zstd.count / 2)), encoding: "zstd", limit: 64)
        #expect(line.starts(with: zstdCut) || zstdCut.starts(with: line))
        #expect(throws: RelayError.self) { try BodyDecoder.decodePrefix(ByteBuffer(bytes: [0x1F, 0x8B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), encoding: "gzip", limit: 64) }
        #expect(try BodyDecoder.decodePrefix(ByteBuffer(string: "abcdef"), encoding: nil, limit: 3) == Array("abc".utf8))
    }

    // MARK: Item count

    @Test func envelopesOverTheItemCapAreRefused() throws {
        let item = "{\"type\":\"attachment\",\"length\":1}\nx\n"
        let atCap = "{}\n" + String(repeating: item, count: EnvelopeParser.defaultMaxItems)
        #expect(try EnvelopeParser.parse(Array(atCap.utf8)).items.count == EnvelopeParser.defaultMaxItems)
        #expect(throws: EnvelopeError.tooManyItems(limit: EnvelopeParser.defaultMaxItems)) {
            try EnvelopeParser.parse(Array((atCap + item).utf8))
        }
        // Blank lines are not items.
        #expect(try EnvelopeParser.parse(Array(("{}\n" + String(repeating: "\n", count: 5_000)).utf8)).items.isEmpty)
        do {
            _ = try IngestRoutes.parseEnvelope(Array((atCap + item).utf8))
            Issue.record("expected 413")
        } catch {
            #expect(error.status == .contentTooLarge)
            #expect(error.detail == "envelope exceeded size limits (more than 1000 items)")
        }
    }

    // MARK: Keys

    @Test func onlyKeyShapedKeysAreLookedUp() {
        #expect(AuthExtractor.isWellFormedKey("0123456789abcdef0123456789abcdef"))
        #expect(AuthExtractor.isWellFormedKey("0123456789ABCDEF0123456789abcdef"))
        for bad in ["", "abc", "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0",
                    "0123456789abcdef0123456789abcdeg", "' OR '1'='1'                    ", String(repeating: "a", count: 100_000),
                    "0123456789abcdef0123456789abcdé", "0123456789abcdef0123456789abcd\u{0}f"] {
            #expect(!AuthExtractor.isWellFormedKey(bad), "\(bad.prefix(40))")
        }
    }

    actor LookupCounter {
        var count = 0
        func bump() { count += 1 }
    }

    @Test func unknownKeysAreRememberedAndConcurrentMissesShareOneLookup() async throws {
        let counter = LookupCounter()
        let cache = ProjectConfigCache(ttl: 60, unknownCapacity: 3) { _ in
            await counter.bump()
            try await Task.sleep(for: .milliseconds(200))
            return nil
        }
        let key = "0123456789abcdef0123456789abcdef"
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 { group.addTask { try await cache.lookup(key) == nil } }
            for try await unknown in group { #expect(unknown) }
        }
        #expect(await counter.count == 1)
        // Remembered: no second lookup within the TTL.
        #expect(try await cache.lookupNotingSource(key).source == .cache)
        #expect(await counter.count == 1)
        #expect(cache.counts.inFlight == 0)
        // The negative cache is bounded.
        for index in 0..<10 { _ = try await cache.lookup(String(format: "%032x", index)) }
        #expect(cache.counts.unknown <= 3)
    }

    @Test func aFailedLookupIsNotRemembered() async throws {
        let counter = LookupCounter()
        let cache = ProjectConfigCache(ttl: 60) { _ in
            await counter.bump()
            throw RelayError(.serviceUnavailable, "down")
        }
        for _ in 0..<3 {
            await #expect(throws: RelayError.self) { try await cache.lookup("0123456789abcdef0123456789abcdef") }
        }
        #expect(await counter.count == 3)
    }

    // MARK: X-Forwarded-For

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() throws {
        let proxies = try TrustedProxies("10.0.0.0/8, 192.168.1.1, fd00::/8")
        // Untrusted peer: its header is ignored.
        #expect(proxies.clientIP(peer: "203.0.113.9", forwardedFor: "1.2.3.4") == "203.0.113.9")
        #expect(TrustedProxies.none.clientIP(peer: "10.0.0.1", forwardedFor: "1.2.3.4") == "10.0.0.1")
        // Trusted peer: walk from the right past trusted hops; spoofed entries on the left stay unused.
        #expect(proxies.clientIP(peer: "10.1.2.3", forwardedFor: "6.6.6.6, 1.2.3.4") == "1.2.3.4")
        #expect(proxies.clientIP(peer: "10.1.2.3", forwardedFor: "6.6.6.6, 1.2.3.4, 192.168.1.1, 10.9.9.9") == "1.2.3.4")
        #expect(proxies.clientIP(peer: "fd00::1", forwardedFor: "2001:db8::5") == "2001:db8::5")
        #expect(proxies.clientIP(peer: "::ffff:10.0.0.7", forwardedFor: "1.2.3.4") == "1.2.3.4")
        // Only proxies in the chain: the leftmost one.
        #expect(proxies.clientIP(peer: "10.1.2.3", forwardedFor: "10.0.0.5") == "10.0.0.5")
        // Garbage ends the walk at the last address known good.
        #expect(proxies.clientIP(peer: "10.1.2.3", forwardedFor: "1.2.3.4, <script>") == "10.1.2.3")
        #expect(proxies.clientIP(peer: "10.1.2.3", forwardedFor: "not-an-ip, 10.0.0.9") == "10.0.0.9")
        #expect(proxies.clientIP(peer: "10.1.2.3", forwardedFor: nil) == "10.1.2.3")
        #expect(!proxies.contains("192.168.1.2"))
        #expect(throws: ConfigError.self) { try TrustedProxies("10.0.0.0/33") }
        #expect(throws: ConfigError.self) { try TrustedProxies("proxy.internal") }
        #expect(try TrustedProxies(" , ").isEmpty)
    }

    // MARK: Security items

    @Test func securityItemsMustBeSecurityReports() throws {
        let csp = #"{"csp-report":{"blocked-uri":"https://evil.example/x.js","effective-directive":"script-src"}}"#
        let cspEvent = try SecurityReport.event(Array(csp.utf8), eventID: "a", release: nil, environment: nil).encodedString()
        let text = """
            {"event_id":"cccccccccccccccccccccccccccccccc"}
            {"type":"security"}
            {"message":"a plain error","exception":{"values":[{"type":"E","value":"v"}]}}
            {"type":"security"}
            \(cspEvent)
            {"type":"raw_security"}
            {"expect-ct-report":{"hostname":"shop.example","port":443}}
            {"type":"raw_security"}
            {"message":"not a report"}
            """
        let plan = try IngestPlan.make(try EnvelopeParser.parse(Array(text.utf8)), context: context)
        #expect(plan.demand == [.security: 2])
        let result = plan.finalize(limited: [])
        #expect(result.outcomes.map(\.outcome) == [.invalid, .accepted, .accepted, .invalid])
        #expect(result.outcomes[0].reason == "security_report")
        #expect(result.outcomes[0].category == DataCategory.security.id)
        #expect(result.messages.count == 2)
        let converted = try IngestMessage.decode(result.messages[1].value)
        #expect(converted.metadata.type == "security")
        let event = try JSON.parse(converted.payload)
        #expect(event["message"] == "Expect-CT failed for 'shop.example'")
        #expect(event["expectct"]?["port"] == .int(443))
        // The error rate limit cannot be dodged: an envelope of only a disguised error is not "fully limited" either way.
        let disguised = try IngestPlan.make(try EnvelopeParser.parse(Array("{}\n{\"type\":\"security\"}\n{\"message\":\"x\"}\n".utf8)), context: context)
        #expect(disguised.demand.isEmpty)
        #expect(disguised.eventID == nil)
    }

    @Test func rawReportShapesAreRecognised() throws {
        let shapes: [(String, SecurityReport.Kind)] = [
            (#"{"csp-report":{"blocked-uri":"x"}}"#, .csp),
            (#"[{"type":"csp-violation","body":{"blockedURL":"x"}}]"#, .csp),
            (#"{"expect-ct-report":{"hostname":"h"}}"#, .expectCT),
            (#"{"expect-staple-report":{"hostname":"h"}}"#, .expectStaple),
            (#"{"hostname":"h","known-pins":["pin-sha256=\"x\""]}"#, .hpkp),
        ]
        for (text, kind) in shapes {
            #expect(SecurityReport.classify(try JSON.parse(text))?.0 == kind, "\(text)")
        }
        for text in [#"{}"#, #"{"csp-report":"x"}"#, #"[{"type":"deprecation","body":{}}]"#, #"{"message":"x"}"#, #"[]"#] {
            #expect(SecurityReport.classify(try JSON.parse(text)) == nil, "\(text)")
        }
    }

    // MARK: Client reports

    @Test func clientReportQuantitiesAreBoundedAsSentrysU32() throws {
        func discards(_ entries: String) -> [OutcomeRecord] {
            ClientReport.outcomes(Array("{\"discarded_events\":[\(entries)]}".utf8), context: context)
        }
        let max = Int64(UInt32.max)
        #expect(discards(#"{"reason":"queue_overflow","category":"error","quantity":\#(max)}"#).map(\.quantity) == [Int(max)])
        // Beyond u32 the whole report is invalid, as in Sentry's relay.
        #expect(discards(#"{"reason":"a","category":"error","quantity":3},{"reason":"a","category":"error","quantity":9223372036854775807}"#).isEmpty)
        #expect(discards(#"{"reason":"a","category":"error","quantity":\#(max + 1)}"#).isEmpty)
        #expect(discards(#"{"reason":"a","category":"error","quantity":-5},{"reason":"b","quantity":2}"#).map(\.quantity) == [2])
        #expect(Saturating.add(Int.max - 1, 5) == .max)
    }

    // MARK: In-flight budget

    @Test func theBudgetRefusesBeyondItsLimitButAlwaysAdmitsALoneRequest() {
        let budget = InFlightBudget(limit: 100)
        #expect(budget.reserve(1_000))      // alone: admitted even over the limit
        #expect(!budget.reserve(1))
        budget.release(1_000)
        #expect(budget.reserve(60))
        #expect(!budget.reserve(50))
        #expect(budget.reserve(40))
        #expect(budget.room(holding: 60) == 0)
        #expect(budget.room(holding: 100) == .max)
        #expect(!budget.reserve(.max))
        // A request that holds all of what is in use is alone: it may grow past the limit.
        #expect(budget.reserve(500, holding: 100))
        budget.release(500)
        budget.release(100)
        #expect(budget.inUse == 0)
    }

    // MARK: Connection deadlines

    @Test func connectionDeadlinesFollowThePhaseOfTheConnection() {
        var limits = HTTPLimits()
        limits.headerTimeout = 10
        limits.bodyIdleTimeout = 30
        limits.keepAliveTimeout = 60
        func at(_ seconds: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(seconds) * 1_000_000_000) }
        var deadlines = ConnectionDeadlines(limits, openedAt: at(100))
        #expect(deadlines.deadline == at(110))           // a new connection must send its headers soon
        deadlines.bytesArrived(at: at(105))
        #expect(deadlines.deadline == at(110))           // trickling does not extend the header deadline
        deadlines.headReceived(at: at(106))
        #expect(deadlines.deadline == at(136))           // body: idle timeout from the last byte
        deadlines.bytesArrived(at: at(130))
        #expect(deadlines.deadline == at(160))
        deadlines.requestEnded(at: at(131))
        #expect(deadlines.deadline == nil)               // the server is working: no deadline
        deadlines.responseEnded(at: at(140))
        #expect(deadlines.deadline == at(200))           // kept alive
        deadlines.bytesArrived(at: at(150))
        #expect(deadlines.deadline == at(160))           // next request started: header deadline
        // An early answer (before the body was read) keeps the body timed while it drains.
        deadlines.headReceived(at: at(151))
        deadlines.responseEnded(at: at(152))
        #expect(deadlines.deadline == at(181))
        deadlines.requestEnded(at: at(160))
        #expect(deadlines.deadline == at(220))
        // A body trickled just inside the idle timeout still ends at the request timeout.
        limits.requestTimeout = 100
        var trickled = ConnectionDeadlines(limits, openedAt: at(0))
        trickled.headReceived(at: at(1))
        for second in stride(from: 20, through: 100, by: 20) { trickled.bytesArrived(at: at(Int64(second))) }
        #expect(trickled.deadline == at(101))
        #expect(ConnectionDeadlines.amount(.infinity) == .zero)
        #expect(ConnectionDeadlines.amount(1e300) == .seconds(86_400 * 365))
    }

    @Test func httpLimitsAndProxiesComeFromTheEnvironment() throws {
        let config = try FaultlineConfig.fromEnvironment([
            "FAULTLINE_HTTP_HEADER_TIMEOUT": "2.5", "FAULTLINE_HTTP_BODY_IDLE_TIMEOUT": "7",
            "FAULTLINE_HTTP_KEEPALIVE_TIMEOUT": "9", "FAULTLINE_HTTP_MAX_HEADER_BYTES": "4096", "FAULTLINE_HTTP_REQUEST_TIMEOUT": "120",
            "FAULTLINE_HTTP_MAX_CONNECTIONS": "12", "FAULTLINE_TRUSTED_PROXIES": "127.0.0.1",
            "FAULTLINE_RELAY_MAX_BYTES_IN_FLIGHT": "1048576", "FAULTLINE_RELAY_MAX_PREAUTH_BYTES_IN_FLIGHT": "65536",
        ])
        #expect(config.relayMaxPreAuthBytesInFlight == 65_536)
        #expect(config.http.headerTimeout == 2.5)
        #expect(config.http.bodyIdleTimeout == 7)
        #expect(config.http.keepAliveTimeout == 9)
        #expect(config.http.requestTimeout == 120)
        #expect(config.http.maxHeaderBytes == 4096)
        #expect(config.http.maxConnections == 12)
        #expect(config.trustedProxies.contains("127.0.0.1"))
        #expect(config.relayMaxBytesInFlight == 1_048_576)
        for (key, value) in [("FAULTLINE_HTTP_HEADER_TIMEOUT", "nan"), ("FAULTLINE_HTTP_HEADER_TIMEOUT", "-1"),
                             ("FAULTLINE_HTTP_MAX_CONNECTIONS", "0"), ("FAULTLINE_TRUSTED_PROXIES", "x/1"),
                             ("FAULTLINE_TOPIC_PARTITIONS", "99999999999")] {
            #expect(throws: ConfigError.self, "\(key)=\(value)") { try FaultlineConfig.fromEnvironment([key: value]) }
        }
    }

    // MARK: Review fixes (issue 11)

    @Test func theNegativeCacheForgetsItsOldestEntriesFirst() {
        var map = OldestFirstMap<Int>(capacity: 3)
        for (index, key) in ["a", "b", "c"].enumerated() { map.insert(key, index) }
        map.insert("a", 10)                 // inserted again: now the youngest
        map.insert("d", 4)
        #expect(map["b"] == nil)            // the oldest goes
        #expect(map["a"] == 10 && map["c"] == 2 && map["d"] == 4)
        map.remove("c")
        map.insert("e", 5)                  // room again: nothing else goes
        #expect(map.count == 3 && map["a"] == 10 && map["d"] == 4 && map["e"] == 5)
        for index in 0..<10_000 { map.insert("k\(index)", index) }
        #expect(map.count == 3)
        #expect(map["k9999"] == 9_999 && map["k9997"] == 9_997 && map["k9996"] == nil)
        // The same key over and over stays one entry.
        for index in 0..<10_000 { map.insert("same", index) }
        #expect(map.count == 3 && map["same"] == 9_999)
    }

    static func config(_ label: String, active: Bool = true) -> ProjectConfig {
        ProjectConfig(key: ProjectKey(id: 1, projectID: 1, publicKey: "0123456789abcdef0123456789abcdef", label: label,
                                      isActive: active, createdAt: Date(timeIntervalSince1970: 0)),
                      organizationID: 1, filters: InboundFilters(), limits: [])
    }

    actor Versions {
        var calls = 0
        var active = true
        func next() -> (Int, Bool) { calls += 1; return (calls, active) }
        func disable() { active = false }
    }

    @Test func anExpiredEntryIsServedWhileOneRefreshRuns() async throws {
        let versions = Versions()
        let cache = ProjectConfigCache(ttl: 0.05) { _ in
            let (call, active) = await versions.next()
            if call > 1 { try await Task.sleep(for: .milliseconds(300)) }
            return Self.config("v\(call)", active: active)
        }
        let key = "0123456789abcdef0123456789abcdef"
        #expect(try await cache.lookupNotingSource(key).source == .database)
        await versions.disable()
        try await Task.sleep(for: .milliseconds(100))
        // Expired: answered at once from the cache, however slow the database, with one refresh.
        for _ in 0..<20 {
            let (config, source) = try await cache.lookupNotingSource(key)
            #expect(source == .refreshing)
            #expect(config?.key.label == "v1")
        }
        #expect(cache.counts.inFlight == 1)
        // The refresh lands: the disabled key is seen.
        for _ in 0..<50 where cache.counts.inFlight > 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(await versions.calls == 2)
        let refreshed = try await cache.lookup(key)
        #expect(refreshed?.key.isActive == false)
    }

    @Test func lookupsOfUnknownKeysAreCapped() async throws {
        let cache = ProjectConfigCache(ttl: 60, maxUnknownLookups: 2) { _ in
            try await Task.sleep(for: .milliseconds(500))
            return nil
        }
        let slow = (0..<2).map { index in Task { try await cache.lookup(String(format: "%032x", index)) } }
        for _ in 0..<100 where cache.counts.unknownLookups < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(cache.counts.unknownLookups == 2)
        await #expect(throws: ProjectConfigCache.Busy.self) { try await cache.lookup(String(format: "%032x", 99)) }
        // A key already being looked up joins its lookup instead.
        let joined = Task { try await cache.lookup(String(format: "%032x", 0)) }
        for task in slow + [joined] { #expect(try await task.value == nil) }
        #expect(cache.counts.unknownLookups == 0)
        #expect(try await cache.lookup(String(format: "%032x", 99)) == nil)
    }

    @Test func theHeaderLineSearchIsBoundedInBytesAndTime() {
        let max = EnvelopeHeaderSniffer.maxRaw
        #expect(EnvelopeHeaderSniffer.step(size: 100, scannedAt: 0, more: true, elapsed: 0, timeout: 10) == .scan)
        #expect(EnvelopeHeaderSniffer.step(size: 150, scannedAt: 100, more: true, elapsed: 0, timeout: 10) == .readMore)
        #expect(EnvelopeHeaderSniffer.step(size: 200, scannedAt: 100, more: true, elapsed: 0, timeout: 10) == .scan)
        #expect(EnvelopeHeaderSniffer.step(size: 150, scannedAt: 100, more: false, elapsed: 0, timeout: 10) == .scan)
        // Reaching maxRaw scans (and ends the search) even when the body has not doubled.
        #expect(EnvelopeHeaderSniffer.step(size: max, scannedAt: max - 1, more: true, elapsed: 0, timeout: 10) == .scan)
        // However the chunks are paced, the whole search ends at the header timeout.
        #expect(EnvelopeHeaderSniffer.step(size: 150, scannedAt: 100, more: true, elapsed: 10.5, timeout: 10) == .timedOut)
        #expect(EnvelopeHeaderSniffer.step(size: 150, scannedAt: 100, more: true, elapsed: .nan, timeout: 10) == .timedOut)
        #expect(max <= 128 * 1024)
    }

    @Test func decompressionReservesItsPeakBeforeDecoding() throws {
        var plain = ByteBuffer(repeating: 0, count: 3 * 1024 * 1024)
        let bomb = try plain.compress(with: .gzip())
        let budget = InFlightBudget(limit: 1024 * 1024)
        let other = BudgetReservation(budget)
        try other.reserve(512 * 1024)
        let reservation = BudgetReservation(budget)
        // Room for 256 KiB of output (and its copy): the bomb stops there, a 503, nothing held.
        // (The first cap is 1 MiB, clamped to the room.)
        let refused = #expect(throws: RelayError.self) {
            try IngestRoutes.decode(bomb, encoding: "gzip", limit: 200 * 1024 * 1024, reservation: reservation)
        }
        #expect(refused?.status == .serviceUnavailable)
        #expect(reservation.held == 0)
        #expect(budget.inUse == 512 * 1024)
        // Alone, the whole body decodes and only its output stays reserved.
        other.releaseAll()
        let bytes = try IngestRoutes.decode(bomb, encoding: "gzip", limit: 200 * 1024 * 1024, reservation: reservation)
        #expect(bytes.count == 3 * 1024 * 1024)
        #expect(reservation.held == bytes.count)
        #expect(BodyDecoder.peakBytes(output: .max) == .max)
        #expect(BodyDecoder.largestOutput(fitting: 100) == 50)
    }

    @Test func aClientThatStopsTakingResponsesIsTimedAndServerWaitsAreNot() {
        var limits = HTTPLimits()
        limits.bodyIdleTimeout = 30
        limits.requestTimeout = 600
        func at(_ seconds: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(seconds) * 1_000_000_000) }
        var deadlines = ConnectionDeadlines(limits, openedAt: at(0))
        deadlines.headReceived(at: at(1))
        deadlines.requestEnded(at: at(2))
        #expect(deadlines.deadline == nil)                    // responding
        deadlines.writabilityChanged(writable: false, at: at(10))
        #expect(deadlines.deadline == at(40))                 // no write progress: timed
        deadlines.writabilityChanged(writable: false, at: at(20))
        #expect(deadlines.deadline == at(40))
        deadlines.writabilityChanged(writable: true, at: at(30))
        #expect(deadlines.deadline == nil)                    // the client read: untimed again
        // The application waits (no read asked for): the idle clock stops, the request clock not.
        var waiting = ConnectionDeadlines(limits, openedAt: at(0))
        waiting.headReceived(at: at(1))
        waiting.delivered()
        #expect(waiting.deadline == at(601))
        waiting.readRequested(at: at(100))
        #expect(waiting.deadline == at(130))
        waiting.bytesArrived(at: at(110))
        #expect(waiting.deadline == at(140))
    }
}
