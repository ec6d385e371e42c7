import Foundation
import Postgres

/// The one owner of `artifact_bundles`, `artifact_files`, `debug_files` and `release_files`:
/// what sentry-cli uploaded, each naming its bytes by SHA-1 in the blob store. Written by the
/// upload endpoints, read by the API and by the symbolication stage (`StoredArtifactSource`),
/// expired by the `blobs` job.
public struct ArtifactRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    // MARK: Artifact bundles

    /// One file of a bundle as stored: its blob and what the manifest says of it.
    public struct BundleFile: Sendable, Equatable {
        public let path: String
        public let url: String
        public let kind: String
        public let debugID: String?
        public let sha1: String
        public let size: Int64

        public init(path: String, url: String, kind: String, debugID: String?, sha1: String, size: Int64) {
            self.path = path
            self.url = url
            self.kind = kind
            self.debugID = debugID
            self.sha1 = sha1
            self.size = size
        }
    }

    /// Whether the organization already has the bundle with this checksum (assembly is idempotent).
    public func hasBundle(organizationID: Int64, checksum: String) throws -> Bool {
        try !db.query("SELECT 1 FROM artifact_bundles WHERE organization_id = $1 AND checksum = $2",
                      [organizationID, checksum]).isEmpty
    }

    /// Records a bundle and its files for each project (in one transaction); false when the
    /// organization has it already.
    @discardableResult
    public func insertBundle(organizationID: Int64, checksum: String, bundleID: String?, releaseID: Int64?, release: String?,
                             dist: String?, files: [BundleFile], projectIDs: [Int64]) throws -> Bool {
        try db.transaction { tx in
            guard let id = try tx.query("""
                INSERT INTO artifact_bundles (organization_id, checksum, bundle_id, release_id, dist, file_count)
                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (organization_id, checksum) DO NOTHING RETURNING id
                """, [organizationID, checksum, bundleID, releaseID, dist, files.count]).first?.int("id") else { return false }
            for projectID in projectIDs where !files.isEmpty {
                try tx.query("""
                    INSERT INTO artifact_files (project_id, bundle_id, path, url, kind, debug_id, release, dist, sha1, size)
                    SELECT $1, $2, u.path, u.url, u.kind, u.debug_id, $3, $4, u.sha1, u.size
                    FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[])
                         AS u(path, url, kind, debug_id, sha1, size)
                    """, [projectID, id, release, dist ?? "", PGArray(files.map(\.path)), PGArray(files.map(\.url)),
                          PGArray(files.map(\.kind)), PGArray(files.map(\.debugID)), PGArray(files.map(\.sha1)),
                          PGArray(files.map(\.size))])
            }
            return true
        }
    }

    /// The blob of the newest bundle file with this debug ID and kind in the project.
    public func bundleFile(projectID: Int64, debugID: String, kind: String) throws -> (organizationID: Int64, sha1: String)? {
        guard let row = try db.query("""
            SELECT a.organization_id, f.sha1 FROM artifact_files f JOIN artifact_bundles a ON a.id = f.bundle_id
            WHERE f.project_id = $1 AND f.debug_id = $2 AND f.kind = $3 ORDER BY f.bundle_id DESC LIMIT 1
            """, [projectID, debugID, kind]).first else { return nil }
        return (try row.int("organization_id"), try row.string("sha1"))
    }

    /// The blob of the newest file uploaded for the release (and dist) under `url`: a bundle
    /// file first, then a legacy release file of the project or of the whole release.
    public func releaseFile(projectID: Int64, release: String, dist: String?, url: String) throws -> (organizationID: Int64, sha1: String)? {
        if let row = try db.query("""
            SELECT a.organization_id, f.sha1 FROM artifact_files f JOIN artifact_bundles a ON a.id = f.bundle_id
            WHERE f.project_id = $1 AND f.release = $2 AND f.dist = $3 AND f.url = $4 ORDER BY f.bundle_id DESC LIMIT 1
            """, [projectID, release, dist ?? "", url]).first {
            return (try row.int("organization_id"), try row.string("sha1"))
        }
        guard let row = try db.query("""
            SELECT r.organization_id, f.sha1 FROM release_files f JOIN releases r ON r.id = f.release_id
            JOIN projects p ON p.organization_id = r.organization_id AND p.id = $1
            WHERE r.version = $2 AND f.dist = $3 AND f.name = $4 AND (f.project_id IS NULL OR f.project_id = $1)
            ORDER BY f.id DESC LIMIT 1
            """, [projectID, release, dist ?? "", url]).first else { return nil }
        return (try row.int("organization_id"), try row.string("sha1"))
    }

    // MARK: Debug files

    public struct DebugFile: Sendable, Equatable {
        public let id: Int64
        public let projectID: Int64
        public let checksum: String
        public let name: String
        public let debugID: String?
        public let kind: String
        public let size: Int64
        public let chunks: [String]
        public let createdAt: Date
    }

    public func debugFile(projectID: Int64, checksum: String) throws -> DebugFile? {
        try db.query("\(Self.debugFileColumns) WHERE project_id = $1 AND checksum = $2", [projectID, checksum]).rows
            .first.map(Self.debugFile)
    }

    /// Records an assembled debug file; returns the row (the existing one when the checksum is known).
    public func insertDebugFile(projectID: Int64, checksum: String, name: String, debugID: String?, kind: String, size: Int64,
                                chunks: [String]) throws -> DebugFile {
        try db.query("""
            INSERT INTO debug_files (project_id, checksum, name, debug_id, kind, size, chunks)
            VALUES ($1, $2, $3, $4, $5, $6, $7::text[]) ON CONFLICT (project_id, checksum) DO NOTHING
            """, [projectID, checksum, name, debugID, kind, size, PGArray(chunks)])
        guard let file = try debugFile(projectID: projectID, checksum: checksum) else {
            throw StoreError(.inconsistent, "debug file vanished after insert")
        }
        return file
    }

    /// The project's debug files, newest first; `debugID` filters.
    public func debugFiles(projectID: Int64, debugID: String?, limit: Int, offset: Int) throws -> [DebugFile] {
        try db.query("""
            \(Self.debugFileColumns) WHERE project_id = $1 AND ($2::text IS NULL OR debug_id = $2)
            ORDER BY id DESC LIMIT $3 OFFSET $4
            """, [projectID, debugID, limit, offset]).rows.map(Self.debugFile)
    }

    public func deleteDebugFile(projectID: Int64, id: Int64) throws -> Bool {
        try !db.query("DELETE FROM debug_files WHERE project_id = $1 AND id = $2 RETURNING id", [projectID, id]).isEmpty
    }

    /// The newest ProGuard mapping with this UUID in the project.
    public func proguardMapping(projectID: Int64, uuid: String) throws -> DebugFile? {
        try db.query("""
            \(Self.debugFileColumns) WHERE project_id = $1 AND debug_id = $2 AND kind = 'proguard' ORDER BY id DESC LIMIT 1
            """, [projectID, uuid]).rows.first.map(Self.debugFile)
    }

    static let debugFileColumns = "SELECT id, project_id, checksum, name, debug_id, kind, size, array_to_json(chunks)::text AS chunks, created_at FROM debug_files"

    static func debugFile(_ row: PGRow) throws -> DebugFile {
        let chunkText = try row.string("chunks")
        let chunks = (try? JSONSerialization.jsonObject(with: Data(chunkText.utf8)) as? [String]) ?? []
        return DebugFile(id: try row.int("id"), projectID: try row.int("project_id"), checksum: try row.string("checksum"),
                         name: try row.string("name"), debugID: try row.optionalString("debug_id"), kind: try row.string("kind"),
                         size: try row.int("size"), chunks: chunks, createdAt: try row.date("created_at"))
    }

    // MARK: Legacy release files

    public struct ReleaseFile: Sendable, Equatable {
        public let id: Int64
        public let releaseID: Int64
        public let projectID: Int64?
        public let name: String
        public let dist: String?
        public let sha1: String
        public let size: Int64
        public let headers: [String: String]
        public let createdAt: Date
    }

    /// Adds a file to the release; nil when the release already has one with that name and dist
    /// (Sentry answers 409).
    public func insertReleaseFile(releaseID: Int64, projectID: Int64?, name: String, dist: String?, sha1: String, size: Int64,
                                  headers: [String: String]) throws -> ReleaseFile? {
        let headerJSON = String(decoding: (try? JSONSerialization.data(withJSONObject: headers, options: [.sortedKeys])) ?? Data("{}".utf8),
                                as: UTF8.self)
        guard let id = try db.query("""
            INSERT INTO release_files (release_id, project_id, name, dist, sha1, size, headers)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (release_id, dist, name) DO NOTHING RETURNING id
            """, [releaseID, projectID, name, dist ?? "", sha1, size, headerJSON]).first?.int("id") else { return nil }
        return try releaseFile(releaseID: releaseID, id: id)
    }

    /// The release's files (of one project and the release's own when `projectID` is given).
    public func releaseFiles(releaseID: Int64, projectID: Int64?, limit: Int, offset: Int) throws -> [ReleaseFile] {
        try db.query("""
            \(Self.releaseFileColumns) WHERE release_id = $1 AND ($2::bigint IS NULL OR project_id IS NULL OR project_id = $2)
            ORDER BY id LIMIT $3 OFFSET $4
            """, [releaseID, projectID, limit, offset]).rows.map(Self.releaseFile)
    }

    public func releaseFile(releaseID: Int64, id: Int64) throws -> ReleaseFile? {
        try db.query("\(Self.releaseFileColumns) WHERE release_id = $1 AND id = $2", [releaseID, id]).rows.first.map(Self.releaseFile)
    }

    public func deleteReleaseFile(releaseID: Int64, id: Int64) throws -> Bool {
        try !db.query("DELETE FROM release_files WHERE release_id = $1 AND id = $2 RETURNING id", [releaseID, id]).isEmpty
    }

    static let releaseFileColumns = "SELECT id, release_id, project_id, name, dist, sha1, size, headers::text AS headers, created_at FROM release_files"

    static func releaseFile(_ row: PGRow) throws -> ReleaseFile {
        let headers = (try? JSONSerialization.jsonObject(with: Data(try row.string("headers").utf8)) as? [String: String]) ?? [:]
        let dist = try row.string("dist")
        return ReleaseFile(id: try row.int("id"), releaseID: try row.int("release_id"), projectID: try row.optionalInt("project_id"),
                           name: try row.string("name"), dist: dist.isEmpty ? nil : dist, sha1: try row.string("sha1"),
                           size: try row.int("size"), headers: headers, createdAt: try row.date("created_at"))
    }

    // MARK: Retention

    /// Deletes bundles with no release and debug files older than `days` (bundles of a release
    /// go with the release). Their blobs are then unreferenced, for the garbage collector.
    public func expire(olderThanDays days: Int) throws -> (bundles: Int, debugFiles: Int) {
        let bundles = try db.query("""
            DELETE FROM artifact_bundles WHERE release_id IS NULL AND created_at < now() - make_interval(days => $1) RETURNING id
            """, [days]).count
        let files = try db.query("DELETE FROM debug_files WHERE created_at < now() - make_interval(days => $1) RETURNING id", [days]).count
        return (bundles, files)
    }
}
