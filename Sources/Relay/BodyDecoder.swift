import Foundation
import CompressNIO
import NIOCore

/// Undoes `Content-Encoding` with a hard cap on the output, so a bomb costs at most the cap.
/// Empty, `identity`, `utf-8` and unknown encodings pass through, as Sentry's relay treats them.
enum BodyDecoder {
    static func decode(_ body: ByteBuffer, encoding: String?, limit: Int) throws(RelayError) -> [UInt8] {
        let algorithm: CompressionAlgorithm?
        switch encoding?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "gzip", "x-gzip": algorithm = .gzip()
        case "deflate": algorithm = .zlib()
        default: algorithm = nil
        }
        guard let algorithm else {
            guard body.readableBytes <= limit else { throw tooLarge(limit) }
            return Array(body.readableBytesView)
        }
        var input = body
        do {
            let output = try input.decompress(with: algorithm, maxSize: limit)
            return Array(output.readableBytesView)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw tooLarge(limit)
        } catch {
            throw RelayError(.badRequest, "invalid body: \(encoding ?? "") content could not be decompressed")
        }
    }

    static func tooLarge(_ limit: Int) -> RelayError {
        RelayError(.contentTooLarge, "envelope exceeded size limits (decompressed body larger than \(limit) bytes)")
    }
}
