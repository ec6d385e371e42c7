import CompressNIO
import CZstd
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

    @Test func brotliAndZstdAreDecoded() throws {
        // brotli.compress(b'{"message":"hello brotli"}' * 10), made with Python's brotli module.
        let brotli: [UInt8] = [27, 3, 1, 248, 29, 9, 54, 78, 114, 187, 100, 27, 225, 165, 8, 221, 94, 235, 136, 201, 245, 201, 52,
                               182, 183, 172, 100, 147, 221, 82, 131, 20, 198, 49, 193, 208, 72, 118, 113]
        let expected = Array(String(repeating: "{\"message\":\"hello brotli\"}", count: 10).utf8)
        #expect(try BodyDecoder.decode(ByteBuffer(bytes: brotli), encoding: "br", limit: 1 << 20) == expected)
        let zstd = ZstdFixture.compress(expected)
        #expect(try BodyDecoder.decode(ByteBuffer(bytes: zstd), encoding: "zstd", limit: 1 << 20) == expected)
        do {
            _ = try BodyDecoder.decode(ByteBuffer(bytes: zstd.dropLast(3)), encoding: "zstd", limit: 1 << 20)
            Issue.record("truncated zstd accepted")
        } catch {
            #expect(error.status == .badRequest)
        }
    }

    @Test func brotliAndZstdBombsStopAtTheCap() throws {
        // brotli.compress(b'\0' * 4 MiB): 14 bytes.
        let brotliBomb: [UInt8] = [155, 255, 255, 63, 248, 39, 0, 226, 177, 64, 32, 247, 254, 7]
        let zstdBomb = ZstdFixture.compress([UInt8](repeating: 0, count: 4 * 1024 * 1024))
        for (bomb, encoding) in [(brotliBomb, "br"), (zstdBomb, "zstd")] {
            do {
                _ = try BodyDecoder.decode(ByteBuffer(bytes: bomb), encoding: encoding, limit: 256 * 1024)
                Issue.record("\(encoding) bomb decompressed past the cap")
            } catch {
                #expect(error.status == .contentTooLarge)
            }
        }
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

/// Test input made with libzstd's one-shot compressor.
enum ZstdFixture {
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let written = output.withUnsafeMutableBytes { target in
            input.withUnsafeBytes { source in
                ZSTD_compress(target.baseAddress, target.count, source.baseAddress, source.count, 3)
            }
        }
        return Array(output.prefix(written))
    }
}
