import CompressNIO
import Foundation
import NIOCore

/// Undoes `Content-Encoding` (gzip, x-gzip, deflate, br, zstd) with a hard cap on the output, so
/// a bomb costs at most the cap. Empty, `identity`, `utf-8` and unknown encodings pass through,
/// as Sentry's relay treats them.
enum BodyDecoder {
    /// Whether `encoding` is one that is decompressed (others pass through).
    static func decompresses(_ encoding: String?) -> Bool {
        ["gzip", "x-gzip", "deflate", "br", "zstd"].contains(encoding?.lowercased().trimmingCharacters(in: .whitespaces) ?? "")
    }

    /// Most memory decoding to at most `output` bytes holds at once: the output and one copy
    /// of it (zlib's buffers are joined and then copied into an array; brotli's and zstd's
    /// arrays grow by doubling). Saturating.
    static func peakBytes(output: Int) -> Int {
        let (doubled, overflow) = max(0, output).multipliedReportingOverflow(by: 2)
        return overflow ? Int.max : doubled
    }

    /// The largest output whose `peakBytes` fits in `room`.
    static func largestOutput(fitting room: Int) -> Int { max(0, room) / 2 }

    static func decode(_ body: ByteBuffer, encoding: String?, limit: Int) throws(RelayError) -> [UInt8] {
        let name = encoding?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
        switch name {
        case "gzip", "x-gzip": return try zlib(body, .gzip(), name, limit)
        case "deflate": return try zlib(body, .zlib(), name, limit)
        case "br", "zstd":
            do {
                let input = Array(body.readableBytesView)
                return name == "br" ? try StreamDecompressors.brotli(input, limit: limit)
                                    : try StreamDecompressors.zstd(input, limit: limit)
            } catch StreamDecompressors.Failure.tooLarge {
                throw tooLarge(limit)
            } catch {
                throw corrupt(name)
            }
        default:
            guard body.readableBytes <= limit else { throw tooLarge(limit) }
            return Array(body.readableBytesView)
        }
    }

    /// As much of the decoded body as `body` (possibly only the start of it) yields, at most
    /// `limit` bytes: enough to read an envelope's header line without decoding the rest.
    /// A stream cut short is not an error here; corrupt data is.
    static func decodePrefix(_ body: ByteBuffer, encoding: String?, limit: Int) throws(RelayError) -> [UInt8] {
        let name = encoding?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
        switch name {
        case "gzip", "x-gzip", "deflate":
            let decompressor = (name == "deflate" ? CompressionAlgorithm.zlib() : .gzip()).decompressor
            var input = body
            var output = ByteBufferAllocator().buffer(capacity: limit)
            do {
                try decompressor.startStream()
                defer { try? decompressor.finishStream() }
                try input.decompressStream(to: &output, with: decompressor)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // The output is full: as much as was asked for.
            } catch {
                throw corrupt(name)
            }
            return Array(output.readableBytesView.prefix(limit))
        case "br", "zstd":
            do {
                let input = Array(body.readableBytesView)
                return name == "br" ? try StreamDecompressors.brotli(input, limit: limit, prefix: true)
                                    : try StreamDecompressors.zstd(input, limit: limit, prefix: true)
            } catch {
                throw corrupt(name)
            }
        default:
            return Array(body.readableBytesView.prefix(limit))
        }
    }

    private static func zlib(_ body: ByteBuffer, _ algorithm: CompressionAlgorithm, _ name: String, _ limit: Int) throws(RelayError) -> [UInt8] {
        var input = body
        do {
            return Array(try input.decompress(with: algorithm, maxSize: limit).readableBytesView)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw tooLarge(limit)
        } catch {
            throw corrupt(name)
        }
    }

    static func corrupt(_ encoding: String) -> RelayError {
        RelayError(.badRequest, "invalid request body: \(encoding) content could not be decompressed")
    }

    static func tooLarge(_ limit: Int) -> RelayError {
        RelayError(.contentTooLarge, "request body exceeded size limits (\(limit) bytes after decompression)")
    }
}
