/// What one HTTP connection may cost the server: how long a client may take to send its
/// headers, to pause inside a body and to sit idle between requests, how large its headers may
/// be, and how many connections are open at once. A slow or silent client holds one connection
/// for a bounded time and is then closed.
public struct HTTPLimits: Sendable, Equatable {
    /// Seconds from a connection's first byte of a request (or its opening) to the end of the
    /// request's headers (`FAULTLINE_HTTP_HEADER_TIMEOUT`).
    public var headerTimeout: Double = 10
    /// Seconds a request body may go without a byte (`FAULTLINE_HTTP_BODY_IDLE_TIMEOUT`).
    public var bodyIdleTimeout: Double = 30
    /// Seconds from a request's headers to the end of its body, however steadily it trickles
    /// (`FAULTLINE_HTTP_REQUEST_TIMEOUT`); a 200 MiB envelope at 1 MB/s takes 200 s.
    public var requestTimeout: Double = 600
    /// Seconds a kept-alive connection may wait for its next request (`FAULTLINE_HTTP_KEEPALIVE_TIMEOUT`).
    public var keepAliveTimeout: Double = 60
    /// Largest request line plus headers, in bytes (`FAULTLINE_HTTP_MAX_HEADER_BYTES`).
    public var maxHeaderBytes = 64 * 1024
    /// Most connections open at once; beyond it new ones wait in the listen backlog
    /// (`FAULTLINE_HTTP_MAX_CONNECTIONS`).
    public var maxConnections = 1_000

    public init() {}
}
