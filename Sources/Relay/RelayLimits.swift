/// Size limits, in bytes, with Sentry relay's defaults.
public struct RelayLimits: Sendable {
    /// Largest request body as received (compressed or not).
    public var maxRequestBody = 20 * 1024 * 1024
    /// Largest body after decompression; a bomb stops here.
    public var maxDecompressed = 100 * 1024 * 1024
    /// Largest single event payload (Relay's `max_event_size`).
    public var maxEventSize = 1024 * 1024

    public init() {}
}
