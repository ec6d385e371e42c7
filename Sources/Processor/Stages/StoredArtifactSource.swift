import Artifacts
import Foundation
import Logging
import Postgres
import Store

/// The processor's `ArtifactSource`: what sentry-cli uploaded, found through the artifact tables
/// and read from the blob store on the worker's connection. Every read is bounded by
/// `maxFileBytes` (a larger file is answered as missing); a database error is logged and
/// answered as missing, so the event goes on with raw frames.
public final class StoredArtifactSource: ArtifactSource {
    public static let defaultMaxFileBytes = 64 * 1024 * 1024

    private let read: ((PGConnection) throws -> [UInt8]?) -> [UInt8]?
    private let blobs: any BlobStore
    private let maxFileBytes: Int

    /// Reads through `database` (the worker's session).
    public convenience init(database: DatabaseSession, blobs: any BlobStore = PostgresBlobStore(),
                            maxFileBytes: Int = StoredArtifactSource.defaultMaxFileBytes, logger: Logger) {
        self.init(blobs: blobs, maxFileBytes: maxFileBytes) { body in
            do {
                return try database.withConnection(body)
            } catch {
                logger.warning("processor: reading an uploaded artifact failed (\(error)); frames stay raw")
                return nil
            }
        }
    }

    /// Reads through whatever runs `body` on a connection (tests: a plain connection).
    public init(blobs: any BlobStore = PostgresBlobStore(), maxFileBytes: Int = StoredArtifactSource.defaultMaxFileBytes,
                read: @escaping ((PGConnection) throws -> [UInt8]?) -> [UInt8]?) {
        self.blobs = blobs
        self.maxFileBytes = maxFileBytes
        self.read = read
    }

    public func artifact(project: Int64, debugID: String, kind: ArtifactKind) -> [UInt8]? {
        guard let id = DebugID.normalized(debugID) else { return nil }
        return read { [blobs, maxFileBytes] db in
            guard let file = try ArtifactRepository(db).bundleFile(projectID: project, debugID: id, kind: kind.rawValue) else { return nil }
            return try blobs.read(organizationID: file.organizationID, digests: [file.sha1], limit: maxFileBytes, db)
        }
    }

    public func releaseArtifact(project: Int64, release: String, dist: String?, url: String) -> [UInt8]? {
        guard !release.isEmpty, url.utf8.count <= 4096 else { return nil }
        return read { [blobs, maxFileBytes] db in
            guard let file = try ArtifactRepository(db).releaseFile(projectID: project, release: release, dist: dist, url: url) else {
                return nil
            }
            return try blobs.read(organizationID: file.organizationID, digests: [file.sha1], limit: maxFileBytes, db)
        }
    }

    public func proguardMapping(project: Int64, uuid: String) -> [UInt8]? {
        guard let id = DebugID.normalized(uuid) else { return nil }
        return read { [blobs, maxFileBytes] db in
            guard let file = try ArtifactRepository(db).proguardMapping(projectID: project, uuid: id),
                  file.size <= Int64(maxFileBytes) else { return nil }
            return try blobs.read(organizationID: try Self.organization(of: project, db), digests: file.chunks, limit: maxFileBytes, db)
        }
    }

    private static func organization(of project: Int64, _ db: PGConnection) throws -> Int64 {
        guard let id = try AdminStore(db).organizationIDs(projectIDs: [project])[project] else { throw StoreError.notFound("project \(project)") }
        return id
    }
}
