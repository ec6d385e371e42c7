// libFuzzer target: the relay's brotli and zstd body decoders (Sources/Relay/StreamDecompressors)
// over the C libraries. The first byte picks the decoder; the rest is the body. The decoders must
// never return more than the limit, whatever the input claims. (gzip and deflate go through
// compress-nio and NIOCore, which fuzz/build.sh does not compile; see docs/FUZZING.md.)

private let limit = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecompress(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let output = data[0] & 1 == 0 ? try? StreamDecompressors.brotli(body, limit: limit)
                                   : try? StreamDecompressors.zstd(body, limit: limit)
    if let output, output.count > limit {
        fatalError("decoder returned \(output.count) bytes, over the \(limit) limit")
    }
    return 0
}
