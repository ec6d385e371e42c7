/// The sizes the upload endpoints announce to sentry-cli (`chunk-upload` options) and enforce.
/// Everything is checked before it is buffered: a request larger than `maxRequestBytes` is
/// refused from its `Content-Length` or while it is read.
public struct ArtifactLimits: Sendable {
    /// One chunk, uncompressed (sentry-cli's `chunkSize`).
    public var chunkBytes = 8 * 1024 * 1024
    /// Chunks per upload request (`chunksPerRequest`).
    public var chunksPerRequest = 64
    /// One upload request's body (`maxRequestSize`).
    public var maxRequestBytes = 32 * 1024 * 1024
    /// One assembled file: a debug file or an artifact bundle (`maxFileSize`).
    public var maxFileBytes = 256 * 1024 * 1024
    /// An artifact bundle is unzipped in memory on assembly, so it has its own, smaller bound.
    public var maxBundleBytes = 64 * 1024 * 1024
    /// A legacy release file (multipart upload in one request).
    public var maxReleaseFileBytes = 32 * 1024 * 1024
    /// What one organization may store in the blob store (`FAULTLINE_ARTIFACT_QUOTA_BYTES`).
    public var organizationQuotaBytes: Int64 = 1024 * 1024 * 1024
    /// Parallel chunk requests sentry-cli may make (`concurrency`).
    public var concurrency = 4

    public init() {}

    /// The ZIP limits an artifact bundle is read with.
    public var bundleZip: ZipLimits {
        ZipLimits(maxEntries: 10_000, maxEntryBytes: maxBundleBytes, maxTotalBytes: 4 * maxBundleBytes)
    }
}
