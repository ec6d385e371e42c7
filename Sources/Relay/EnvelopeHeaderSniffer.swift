import EventModel

/// Reads an envelope's header line (its first line, which may carry the `dsn`) from the
/// decoded start of a body, so the relay can authenticate before it reads, decompresses and
/// parses the rest. Pure; the line is bounded, so an unauthenticated client costs at most
/// `maxLine` decoded bytes and `maxRaw` bytes read.
enum EnvelopeHeaderSniffer {
    /// Longest header line read before authentication. SDKs send a few hundred bytes (event id,
    /// dsn, sdk, sent_at, trace context); 64 KiB is far above that.
    static let maxLine = 64 * 1024
    /// Most raw (possibly compressed) bytes read while looking for the header line (plus at
    /// most the one chunk that crossed it): twice `maxLine`, room for a line that barely
    /// compresses.
    static let maxRaw = 128 * 1024

    /// What to do after reading a chunk while looking for the header line.
    enum Step: Equatable {
        /// Read another chunk before decoding again.
        case readMore
        /// Decode the start of the body again and look for the line.
        case scan
        /// The line took longer than the header timeout to arrive.
        case timedOut
    }

    /// Decoding starts from the beginning each time, so it runs again only when the body
    /// doubled since the last scan, ended, or reached `maxRaw` (where the search ends); and the
    /// whole search is bounded by `timeout` seconds, whatever the pace of the chunks.
    static func step(size: Int, scannedAt: Int, more: Bool, elapsed: Double, timeout: Double) -> Step {
        if more && !(elapsed <= timeout) { return .timedOut }
        if more && size < maxRaw && size / 2 < scannedAt { return .readMore }
        return .scan
    }

    enum Result: Equatable {
        /// No newline yet, and the body goes on: read more.
        case needMore
        case header([String: JSON])
        case invalid(EnvelopeError)
    }

    /// `decoded` is the decoded start of the body (at most `maxLine + 1` bytes are looked at);
    /// `complete` says the body ended there.
    static func sniff(_ decoded: [UInt8], complete: Bool) -> Result {
        let window = decoded.prefix(maxLine + 1)
        let line: ArraySlice<UInt8>
        if let newline = window.firstIndex(of: UInt8(ascii: "\n")) {
            line = window[..<newline]
        } else if window.count > maxLine {
            return .invalid(.invalidHeader("longer than \(maxLine) bytes"))
        } else if complete {
            line = window
        } else {
            return .needMore
        }
        let trimmed = line.drop(while: { $0 == 0x20 || $0 == 0x09 })
        guard !trimmed.isEmpty else { return .invalid(.invalidHeader("empty line")) }
        guard let value = try? JSON.parse(Array(trimmed)) else { return .invalid(.invalidHeader("malformed JSON")) }
        guard case .object(let headers) = value else { return .invalid(.invalidHeader("not an object")) }
        return .header(headers)
    }
}
