import Postgres

/// The one blob store of the product: bytes addressed by their SHA-1 within an organization,
/// stored once however often they are uploaded, counted against the organization's quota, and
/// deleted by the `blobs` job when nothing references them. What uploaded artifacts (chunks,
/// bundle files, release files; attachments later) are made of.
///
/// Metadata (which blobs exist, their sizes, usage, references) always lives in PostgreSQL, so
/// every method takes the caller's connection; an implementation decides where the bytes go.
/// `PostgresBlobStore` keeps them in `blobs.data` (the embedded default); an object store would
/// write them under `<organization>/<sha1>` and keep the same rows without `data`.
public protocol BlobStore: Sendable {
    /// Which of `digests` the organization does not have. Those it has are marked used now, so
    /// the garbage collector leaves them to the assembly that is about to reference them.
    func missing(organizationID: Int64, digests: [String], _ db: PGConnection) throws -> [String]

    /// Stores each blob the organization does not have yet (the caller verified each digest).
    /// Throws `StoreError.quotaExceeded`, storing nothing, when the new bytes would take the
    /// organization over `quotaBytes`.
    func put(organizationID: Int64, blobs: [Blob], quotaBytes: Int64, _ db: PGConnection) throws

    /// The bytes of `digests` concatenated, in order; nil when one is missing or the total
    /// would exceed `limit` (checked from the stored sizes before anything is read).
    func read(organizationID: Int64, digests: [String], limit: Int, _ db: PGConnection) throws -> [UInt8]?

    /// Calls `body` with the bytes of each of `digests`, in order, one blob at a time (a large
    /// debug file is checked without holding it whole); false when one is missing.
    func forEach(organizationID: Int64, digests: [String], _ db: PGConnection, _ body: ([UInt8]) throws -> Void) throws -> Bool

    /// Deletes blobs nothing references and nobody used for `graceSeconds`, and gives their
    /// bytes back to their organizations' usage.
    func collectGarbage(graceSeconds: Int, _ db: PGConnection) throws -> BlobGarbage
}

/// One blob to store: its verified SHA-1 (lower-case hex) and bytes.
public struct Blob: Sendable, Equatable {
    public let digest: String
    public let bytes: [UInt8]

    public init(digest: String, bytes: [UInt8]) {
        self.digest = digest
        self.bytes = bytes
    }
}

/// What one garbage collection freed.
public struct BlobGarbage: Sendable, Equatable {
    public let blobs: Int
    public let bytes: Int64

    public init(blobs: Int, bytes: Int64) {
        self.blobs = blobs
        self.bytes = bytes
    }
}

/// The embedded default: bytes in `blobs.data` (bytea), through `BlobRepository`.
public struct PostgresBlobStore: BlobStore {
    public init() {}

    public func missing(organizationID: Int64, digests: [String], _ db: PGConnection) throws -> [String] {
        try BlobRepository(db).missing(organizationID: organizationID, digests: digests)
    }

    public func put(organizationID: Int64, blobs: [Blob], quotaBytes: Int64, _ db: PGConnection) throws {
        try BlobRepository(db).insert(organizationID: organizationID, blobs: blobs, quotaBytes: quotaBytes)
    }

    public func read(organizationID: Int64, digests: [String], limit: Int, _ db: PGConnection) throws -> [UInt8]? {
        try BlobRepository(db).concatenated(organizationID: organizationID, digests: digests, limit: limit)
    }

    public func forEach(organizationID: Int64, digests: [String], _ db: PGConnection, _ body: ([UInt8]) throws -> Void) throws -> Bool {
        try BlobRepository(db).forEach(organizationID: organizationID, digests: digests, body)
    }

    public func collectGarbage(graceSeconds: Int, _ db: PGConnection) throws -> BlobGarbage {
        try BlobRepository(db).deleteUnreferenced(graceSeconds: graceSeconds)
    }
}
