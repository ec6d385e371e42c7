import CBrotli
import CZstd

/// Brotli and zstd decoding in fixed-size steps, stopping as soon as the output passes `limit`,
/// so a bomb never costs more than the limit in memory. With `prefix`, the input may be only
/// the start of a stream and the output is cut at `limit`: what an envelope's header line needs.
enum StreamDecompressors {
    enum Failure: Error { case tooLarge, corrupt }

    static let chunk = 64 * 1024

    static func brotli(_ input: [UInt8], limit: Int, prefix: Bool = false) throws -> [UInt8] {
        guard let state = BrotliDecoderCreateInstance(nil, nil, nil) else { throw Failure.corrupt }
        defer { BrotliDecoderDestroyInstance(state) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        var result = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT
        try input.withUnsafeBufferPointer { (source: UnsafeBufferPointer<UInt8>) throws in
            var availableIn = source.count
            var nextIn: UnsafePointer<UInt8>? = source.baseAddress
            while true {
                var produced = 0
                buffer.withUnsafeMutableBufferPointer { target in
                    var availableOut = target.count
                    var nextOut: UnsafeMutablePointer<UInt8>? = target.baseAddress
                    result = BrotliDecoderDecompressStream(state, &availableIn, &nextIn, &availableOut, &nextOut, nil)
                    produced = target.count - availableOut
                }
                if produced > limit - output.count {
                    guard prefix else { throw Failure.tooLarge }
                    output.append(contentsOf: buffer[0..<(limit - output.count)])
                    return
                }
                output.append(contentsOf: buffer[0..<produced])
                switch result {
                case BROTLI_DECODER_RESULT_SUCCESS: return
                case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT: continue
                case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT where prefix: return
                default: throw Failure.corrupt // error, or input ended before the stream did
                }
            }
        }
        return output
    }

    static func zstd(_ input: [UInt8], limit: Int, prefix: Bool = false) throws -> [UInt8] {
        guard let stream = ZSTD_createDStream() else { throw Failure.corrupt }
        defer { ZSTD_freeDStream(stream) }
        ZSTD_initDStream(stream)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        try input.withUnsafeBytes { (source: UnsafeRawBufferPointer) throws in
            var inBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            var lastHint = 1
            while true {
                var produced = 0
                var hint = 0
                buffer.withUnsafeMutableBytes { target in
                    var outBuffer = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                    hint = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                    produced = outBuffer.pos
                }
                if ZSTD_isError(hint) != 0 { throw Failure.corrupt }
                if produced > limit - output.count {
                    guard prefix else { throw Failure.tooLarge }
                    output.append(contentsOf: buffer[0..<(limit - output.count)])
                    return
                }
                output.append(contentsOf: buffer[0..<produced])
                lastHint = hint
                if inBuffer.pos == inBuffer.size && produced < chunk { break }
            }
            // A non-zero hint at the end means the frame was cut short.
            if lastHint != 0 && !prefix { throw Failure.corrupt }
        }
        return output
    }
}
