import CompressNIO
import EventModel
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Hostile requests against the live relay: each family answered with the status Sentry's relay
/// gives, the server still serving others afterwards, and memory bounded. Where Faultline differs
/// from Sentry's relay on purpose, the test says so.
@Suite(.serialized) struct HostileInputTests {
    /// Generous: the process holds a broker, a pool and a processor; a leak or an unbounded
    /// buffer of one hostile body would show as hundreds of megabytes.
    static let memoryGrowthBoundMB = 300

    struct Live {
        let stack: InProcessStack
        let client: any TestClientProtocol
        var port: Int { client.port! }
        var auth: String { "Sentry sentry_key=\(stack.dsnKey.publicKey), sentry_version=7, sentry_client=hostile/1" }
        var envelopePath: String { "/api/\(stack.projectID)/envelope/" }
        var storePath: String { "/api/\(stack.projectID)/store/" }

        func post(_ path: String, _ body: ByteBuffer, headers extra: HTTPFields = [:]) async throws -> (HTTPResponse.Status, String) {
            var headers = extra
            headers[.init("X-Sentry-Auth")!] = auth
            let response = try await client.execute(uri: path, method: .post, headers: headers, body: body)
            return (response.status, String(buffer: response.body))
        }

        func post(_ path: String, _ body: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, String) {
            try await post(path, ByteBuffer(string: body), headers: headers)
        }

        func post(_ path: String, bytes: [UInt8], headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, String) {
            try await post(path, ByteBuffer(bytes: bytes), headers: headers)
        }

        /// A well-formed event still gets through: the hostile request broke nothing.
        func expectStillServing(_ comment: Comment? = nil) async throws {
            let (status, body) = try await post(envelopePath, "{}\n{\"type\":\"event\"}\n{\"message\":\"still here\"}\n")
            #expect(status == .ok, comment)
            #expect(body.contains("\"id\""), comment)
        }
    }

    func withLiveStack(_ body: @escaping @Sendable (Live) async throws -> Void) async throws {
        let before = ResidentMemory.megabytes()
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            try await stack.app.test(.live) { client in
                try await body(Live(stack: stack, client: client))
            }
            await stack.shutdown()
        }
        let growth = await ResidentMemory.growth(since: before, bound: Self.memoryGrowthBoundMB)
        #expect(growth < Self.memoryGrowthBoundMB, "resident memory grew by \(growth) MB")
    }

    static func envelope(event: String) -> String { "{}\n{\"type\":\"event\"}\n\(event)\n" }

    // MARK: JSON

    @Test func deepNestingIsInvalidJSONNotACrash() async throws {
        try await withLiveStack { live in
            let depth = 10_000
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
            for nested in [arrays, objects] {
                let event = "{\"extra\":\(nested)}"
                let (store, storeBody) = try await live.post(live.storePath, event)
                #expect(store == .badRequest)
                #expect(storeBody.contains("invalid JSON data"))
                let (envelope, _) = try await live.post(live.envelopePath, Self.envelope(event: event))
                #expect(envelope == .badRequest)
                // In the envelope's own header and an item header: a malformed envelope.
                let (header, headerBody) = try await live.post(live.envelopePath, "{\"x\":\(nested)}\n{\"type\":\"event\"}\n{}\n")
                #expect(header == .badRequest)
                #expect(headerBody.contains("invalid envelope"))
                let (itemHeader, _) = try await live.post(live.envelopePath, "{}\n{\"type\":\"event\",\"x\":\(nested)}\n{}\n")
                #expect(itemHeader == .badRequest)
            }
            try await live.expectStillServing()
        }
    }

    @Test func hugeStringsWithinTheItemLimitPassAndBeyondAre413() async throws {
        try await withLiveStack { live in
            let within = "{\"message\":\"\(String(repeating: "x", count: 1_000_000))\"}"
            let beyond = "{\"message\":\"\(String(repeating: "x", count: 1_100_000))\"}"
            let (storeWithin, storeWithinBody) = try await live.post(live.storePath, within)
            #expect(storeWithin == .ok, "\(storeWithinBody)")
            let (envelopeWithin, envelopeWithinBody) = try await live.post(live.envelopePath, Self.envelope(event: within))
            #expect(envelopeWithin == .ok, "\(envelopeWithinBody)")
            // Store: the body itself is over the 1 MiB event limit.
            let (store, storeBody) = try await live.post(live.storePath, beyond)
            #expect(store == .contentTooLarge)
            #expect(storeBody.contains("exceeded size limits"))
            // Envelope: the body fits the envelope limit, the event item does not.
            let (envelope, envelopeBody) = try await live.post(live.envelopePath, Self.envelope(event: beyond))
            #expect(envelope == .contentTooLarge)
            #expect(envelopeBody.contains("envelope exceeded size limits for type 'event'"))
            // A huge key and a huge item type are just large data, bounded by the same limits.
            let hugeKey = "{\"\(String(repeating: "k", count: 2_000_000))\":1}"
            #expect(try await live.post(live.storePath, hugeKey).0 == .contentTooLarge)
            try await live.expectStillServing()
        }
    }

    /// Sentry's relay accepts the request and drops such an event in processing (serde refuses
    /// invalid UTF-8); Faultline keeps the event with U+FFFD in place of the bad bytes, as its JSON
    /// parser documents. Invalid bytes outside strings are malformed JSON either way.
    @Test func invalidUTF8InStringsIsReplacedAndOutsideIsInvalidJSON() async throws {
        try await withLiveStack { live in
            let bad: [UInt8] = [0xFF, 0xFE, 0xC3, 0x28, 0xED, 0xA0, 0x80]
            let event = Array("{\"message\":\"utf8 ".utf8) + bad + Array(" marker\"}".utf8)
            #expect(try await live.post(live.storePath, bytes: event).0 == .ok)
            let (outside, outsideBody) = try await live.post(live.storePath, bytes: Array("{\"a\":".utf8) + bad + Array("}".utf8))
            #expect(outside == .badRequest)
            #expect(outsideBody.contains("invalid JSON data"))
            let header = Array("{\"dsn\":\"".utf8) + bad + Array("\"}\n{\"type\":\"event\"}\n{}\n".utf8)
            #expect(try await live.post(live.envelopePath, bytes: header).0 == .unauthorized)

            // The processor stores it as valid text: the API serves the title with U+FFFD.
            var titles: [String] = []
            for _ in 0..<100 where !titles.contains(where: { $0.contains("marker") }) {
                let response = try await live.client.execute(uri: "/api/0/projects/acme/web/issues/", method: .get,
                                                             headers: [.authorization: "Bearer \(live.stack.token)"])
                titles = (try? JSON.parse(Array(response.body.readableBytesView)))?.array?.compactMap { $0["title"]?.string } ?? []
                try await Task.sleep(for: .milliseconds(200))
            }
            let title = try #require(titles.first { $0.contains("marker") })
            #expect(title.contains("\u{FFFD}"))
            #expect(title.hasPrefix("utf8 "))
        }
    }

    @Test func nanAndInfinityTokensAreInvalidJSON() async throws {
        try await withLiveStack { live in
            for token in ["NaN", "nan", "Infinity", "-Infinity", "+Infinity", "1e999", "-1e999", "0x10", "01", ".5", "+1"] {
                let event = "{\"extra\":{\"value\":\(token)}}"
                let (store, body) = try await live.post(live.storePath, event)
                #expect(store == .badRequest, "\(token)")
                #expect(body.contains("invalid JSON data"), "\(token)")
                #expect(try await live.post(live.envelopePath, Self.envelope(event: event)).0 == .badRequest, "\(token)")
            }
            try await live.expectStillServing()
        }
    }

    // MARK: Compression

    /// A gzip bomb on the envelope endpoint is in RelayTests; here every other encoding, on the
    /// store endpoint whose 1 MiB limit the bombs pass many times over.
    @Test func compressionBombsOfEveryEncodingAre413() async throws {
        try await withLiveStack { live in
            var zeros = ByteBuffer(repeating: UInt8(ascii: " "), count: 16 * 1024 * 1024)
            let gzip = try zeros.compress(with: .gzip())
            zeros = ByteBuffer(repeating: UInt8(ascii: " "), count: 16 * 1024 * 1024)
            let deflate = try zeros.compress(with: .zlib())
            // brotli.compress(b'\0' * 4 MiB): 14 bytes (the fixture of BodyDecoderTests).
            let brotli = ByteBuffer(bytes: [155, 255, 255, 63, 248, 39, 0, 226, 177, 64, 32, 247, 254, 7] as [UInt8])
            let zstd = ByteBuffer(bytes: ZstdFixture.compress([UInt8](repeating: 0, count: 16 * 1024 * 1024)))
            for (bomb, encoding) in [(gzip, "gzip"), (deflate, "deflate"), (brotli, "br"), (zstd, "zstd")] {
                #expect(bomb.readableBytes < 1024 * 1024, "\(encoding) bomb is small on the wire")
                for path in [live.storePath, "/api/\(live.stack.projectID)/security/"] {
                    let (status, body) = try await live.post(path, bomb, headers: [.contentEncoding: encoding])
                    #expect(status == .contentTooLarge, "\(encoding) \(path)")
                    #expect(body.contains("after decompression"), "\(encoding) \(path)")
                }
            }
            // Corrupt and truncated streams are bad requests, not errors of the server.
            let event = Array("{\"message\":\"\(String(repeating: "compressible ", count: 100))\"}".utf8)
            var plain = ByteBuffer(bytes: event)
            let gzipped = Array(try plain.compress(with: .gzip()).readableBytesView)
            plain = ByteBuffer(bytes: event)
            let deflated = Array(try plain.compress(with: .zlib()).readableBytesView)
            for (encoding, compressed) in [("gzip", gzipped), ("deflate", deflated), ("zstd", ZstdFixture.compress(event))] {
                #expect(try await live.post(live.storePath, bytes: compressed, headers: [.contentEncoding: encoding]).0 == .ok, "\(encoding)")
                let truncated = Array(compressed.prefix(compressed.count / 2))
                #expect(try await live.post(live.storePath, bytes: truncated, headers: [.contentEncoding: encoding]).0 == .badRequest,
                        "truncated \(encoding)")
            }
            #expect(try await live.post(live.storePath, bytes: [0x1B, 0xFF, 0x00, 0x42], headers: [.contentEncoding: "br"]).0 == .badRequest)
            // Two encodings at once are not decoded (Sentry's relay reads one); the body is then
            // not JSON.
            #expect(try await live.post(live.storePath, gzip, headers: [.contentEncoding: "gzip, gzip"]).0 == .badRequest)
            try await live.expectStillServing()
        }
    }

    // MARK: Envelope framing

    @Test func truncatedItemsAndWrongLengthsAreMalformedEnvelopes() async throws {
        try await withLiveStack { live in
            let cases: [(String, String)] = [
                ("{}\n{\"type\":\"event\",\"length\":99}\n{}", "declares length 99"),
                ("{}\n{\"type\":\"event\",\"length\":-1}\n{}", "length is not a non-negative integer"),
                ("{}\n{\"type\":\"event\",\"length\":\"2\"}\n{}", "length is not a non-negative integer"),
                ("{}\n{\"type\":\"event\",\"length\":\"abc\"}\n{}", "length is not a non-negative integer"),
                ("{}\n{\"type\":\"event\",\"length\":1.5}\n{}", "length is not a non-negative integer"),
                ("{}\n{\"type\":\"event\",\"length\":99999999999999999999}\n{}", "length is not a non-negative integer"),
                ("{}\n{\"type\":\"event\",\"length\":1}\n{}", "not followed by a newline"),
                ("{}\n{\"type\":\"ev", "item 0 header"),
                ("{}\n{\"length\":2}\n{}", "has no type"),
                ("{\"event_id\":", "envelope header"),
                ("{}\n{\"type\":\"event\"}\n{\"message\":\"cut", "invalid JSON data"),
                ("{}\n{\"type\":\"event\",\"length\":2}\n{}\n{\"type\":\"attachment\",\"length\":10}\nabc", "declares length 10"),
            ]
            for (body, detail) in cases {
                let (status, answer) = try await live.post(live.envelopePath, body)
                #expect(status == .badRequest, "\(body)")
                #expect(answer.contains(detail), "\(body): \(answer)")
            }
            try await live.expectStillServing()
        }
    }

    // MARK: Headers

    @Test func headerInjectionIsRefusedOrHarmless() async throws {
        try await withLiveStack { live in
            let key = live.stack.dsnKey.publicKey
            let body = Self.envelope(event: "{\"message\":\"injected\"}")
            func request(_ authLine: String) -> String {
                "POST \(live.envelopePath) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(authLine)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            }
            // NUL or a bare CR inside a header value: the HTTP parser refuses the request.
            for hostile in ["X-Sentry-Auth: Sentry sentry_key=\(key)\0, sentry_version=7",
                            "X-Sentry-Auth: Sentry sentry_key=\(key)\rInjected: yes, sentry_version=7"] {
                let connection = try RawConnection(port: live.port)
                await connection.send(request(hostile))
                let answer = await connection.response()
                if let status = RawConnection.status(answer) {
                    #expect((400..<500).contains(status), "\(hostile.debugDescription): \(answer)")
                } // no answer: the server closed the connection, also a refusal
            }
            // LF injection smuggles in a second auth header naming another key: two sources that
            // disagree, refused as Sentry's relay refuses them.
            let smuggled = try RawConnection(port: live.port)
            await smuggled.send(request("X-Sentry-Auth: Sentry sentry_key=\(key)\r\nAuthorization: Sentry sentry_key=0123456789abcdef0123456789abcdef"))
            let smuggledAnswer = await smuggled.response()
            #expect(RawConnection.status(smuggledAnswer) == 401)
            #expect(smuggledAnswer.contains("multiple authorization payloads detected"))

            // Injection text inside well-formed values is only an unknown key.
            for value in ["Sentry sentry_key=' OR '1'='1", "Sentry sentry_key=\(key)%0d%0aX-Evil:%201",
                          "Sentry sentry_key=\(key)\\\", sentry_version=7"] {
                let response = try await live.client.execute(uri: live.envelopePath, method: .post,
                                                              headers: [.init("X-Sentry-Auth")!: value], body: ByteBuffer(string: body))
                #expect([.unauthorized, .forbidden].contains(response.status), "\(value): \(response.status)")
                #expect(response.headers[.init("X-Evil")!] == nil)
            }
            try await live.expectStillServing()
        }
    }

    @Test func giantHeadersAreRefusedAndTheServerGoesOn() async throws {
        try await withLiveStack { live in
            let giantValue = String(repeating: "a", count: 1024 * 1024)
            let manyHeaders = (0..<20_000).map { "X-Filler-\($0): \(String(repeating: "b", count: 40))" }.joined(separator: "\r\n")
            for headers in ["X-Sentry-Auth: Sentry sentry_key=\(giantValue)", "X-Giant: \(giantValue)", manyHeaders] {
                let connection = try RawConnection(port: live.port)
                await connection.send("POST \(live.envelopePath) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)\r\nContent-Length: 2\r\n\r\n{}")
                let answer = await connection.response()
                if let status = RawConnection.status(answer) {
                    #expect((400..<500).contains(status), "\(answer.prefix(200))")
                }
            }
            // A giant request line (path) too.
            let longPath = try RawConnection(port: live.port)
            await longPath.send("GET /api/\(String(repeating: "p", count: 1024 * 1024))/ HTTP/1.1\r\nHost: x\r\n\r\n")
            if let status = RawConnection.status(await longPath.response()) { #expect((400..<500).contains(status)) }
            try await live.expectStillServing()
        }
    }

    /// A client trickling its body holds its own connection only: others are served meanwhile,
    /// and the slow request completes when its body does.
    @Test func slowLorisBodiesDoNotStopOthers() async throws {
        try await withLiveStack { live in
            let body = Array("{\"message\":\"slow but honest\"}".utf8)
            var slow: [RawConnection] = []
            for _ in 0..<8 {
                let connection = try RawConnection(port: live.port, timeout: 20)
                await connection.send("POST \(live.storePath) HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sentry-Auth: \(live.auth)\r\n"
                                      + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
                await connection.send(Array(body.prefix(5)))
                slow.append(connection)
            }
            // Headers only, trickled a byte at a time, also holds nothing but its connection.
            let slowHeaders = try RawConnection(port: live.port, timeout: 20)
            for byte in "POST \(live.storePath) HTTP/1.1\r\nHo".utf8 { await slowHeaders.send([byte]) }

            for _ in 0..<5 { try await live.expectStillServing("while slow bodies are open") }

            for connection in slow {
                for byte in body.dropFirst(5) {
                    await connection.send([byte])
                }
            }
            for connection in slow {
                let answer = await connection.response()
                #expect(RawConnection.status(answer) == 200, "\(answer.prefix(200))")
                #expect(answer.contains("\"id\""))
            }
            try await live.expectStillServing("after the slow bodies")
        }
    }
}
