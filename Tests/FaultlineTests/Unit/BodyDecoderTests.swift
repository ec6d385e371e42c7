import CompressNIO
import NIOCore
import Testing
@testable import Relay

@Suite struct BodyDecoderTests {
    @Test func gzipAndDeflateAreDecoded() throws {
        let text = String(repeating: "{\"message\":\"hello\"}", count: 100)
        var plain = ByteBuffer(string: text)
        let gzip = try plain.compress(with: .gzip())
        plain = ByteBuffer(string: text)
        let zlib = try plain.compress(with: .zlib())
        #expect(try BodyDecoder.decode(gzip, encoding: "gzip", limit: 1 << 20) == Array(text.utf8))
        #expect(try BodyDecoder.decode(gzip, encoding: "x-gzip", limit: 1 << 20) == Array(text.utf8))
        #expect(try BodyDecoder.decode(zlib, encoding: "deflate", limit: 1 << 20) == Array(text.utf8))
    }

    @Test func unknownAndEmptyEncodingsAreIdentity() throws {
        let body = ByteBuffer(string: "abc")
        for encoding in [nil, "", "identity", "utf-8", "something-else"] {
            #expect(try BodyDecoder.decode(body, encoding: encoding, limit: 10) == Array("abc".utf8))
        }
    }

    @Test func bombStopsAtTheCap() throws {
        var zeros = ByteBuffer(repeating: 0, count: 8 * 1024 * 1024)
        let bomb = try zeros.compress(with: .gzip())
        #expect(bomb.readableBytes < 64 * 1024)
        do {
            _ = try BodyDecoder.decode(bomb, encoding: "gzip", limit: 1024 * 1024)
            Issue.record("bomb was decompressed past the cap")
        } catch {
            #expect(error.status == .contentTooLarge)
        }
    }

    @Test func corruptGzipIsBadRequest() {
        do {
            _ = try BodyDecoder.decode(ByteBuffer(string: "definitely not gzip"), encoding: "gzip", limit: 1024)
            Issue.record("corrupt body accepted")
        } catch {
            #expect(error.status == .badRequest)
        }
    }
}
