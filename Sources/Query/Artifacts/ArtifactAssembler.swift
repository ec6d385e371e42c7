import Artifacts
import EventModel
import Foundation
import Postgres
import Store

/// Turns uploaded chunks into stored artifacts, within the request: an artifact bundle is read
/// (bounded), checked against its checksum, unzipped entry by entry into the blob store and
/// indexed; a debug file is checked chunk by chunk and recorded as its chunk list. Assembly is
/// idempotent by checksum, so sentry-cli's polling gets `ok` again.
struct ArtifactAssembler {
    let db: PGConnection
    let blobs: any BlobStore
    let limits: ArtifactLimits

    func bundle(_ request: AssembleRequest.Bundle, organization: Organization, projectIDs: [Int64]) throws -> AssembleState {
        let artifacts = ArtifactRepository(db)
        if try artifacts.hasBundle(organizationID: organization.id, checksum: request.checksum) { return .ok }
        let missing = try blobs.missing(organizationID: organization.id, digests: request.chunks, db)
        guard missing.isEmpty else { return .notFound(missing) }
        guard let bytes = try blobs.read(organizationID: organization.id, digests: request.chunks, limit: limits.maxBundleBytes, db) else {
            return .error("The artifact bundle is larger than \(limits.maxBundleBytes) bytes or its chunks are gone; split the upload.")
        }
        guard ChunkDigest.sha1(bytes) == request.checksum else { return .error("The bundle's chunks do not add up to its checksum.") }
        do {
            let zip = try ZipArchive(bytes, limits: limits.bundleZip)
            guard let manifestEntry = zip.entry(named: "manifest.json") else { return .error("The bundle has no manifest.json.") }
            let manifest = try BundleManifest(try zip.contents(of: manifestEntry))
            var files: [ArtifactRepository.BundleFile] = []
            for file in manifest.files {
                guard let entry = zip.entry(named: file.path) else { return .error("The manifest names \(file.path), which the bundle lacks.") }
                let data = try zip.contents(of: entry)
                let digest = ChunkDigest.sha1(data)
                try blobs.put(organizationID: organization.id, blobs: [Blob(digest: digest, bytes: data)],
                              quotaBytes: limits.organizationQuotaBytes, db)
                files.append(.init(path: file.path, url: file.url, kind: file.kind, debugID: file.debugID, sha1: digest,
                                   size: Int64(data.count)))
            }
            let version = request.version ?? manifest.release
            let dist = request.dist ?? manifest.dist
            var releaseID: Int64?
            if let version {
                try ReleaseRequest.validateVersion(version)
                let releases = ReleaseRepository(db)
                _ = try releases.insert(organizationID: organization.id, version: version, ref: nil, url: nil, dateReleased: nil, status: nil)
                guard let release = try releases.release(organizationID: organization.id, version: version) else {
                    throw StoreError(.inconsistent, "release vanished")
                }
                _ = try releases.addProjects(releaseID: release.id, projectIDs: projectIDs)
                releaseID = release.id
            }
            try artifacts.insertBundle(organizationID: organization.id, checksum: request.checksum, bundleID: manifest.bundleID,
                                       releaseID: releaseID, release: version, dist: dist, files: files, projectIDs: projectIDs)
            return .ok
        } catch let error as ArtifactError {
            return .error("Invalid artifact bundle: \(error.description)")
        }
    }

    func debugFile(_ request: AssembleRequest.DebugFile, organizationID: Int64, project: Project) throws -> AssembleState {
        let artifacts = ArtifactRepository(db)
        if let existing = try artifacts.debugFile(projectID: project.id, checksum: request.checksum) {
            return AssembleState(state: "ok", dif: Self.json(existing))
        }
        let missing = try blobs.missing(organizationID: organizationID, digests: request.chunks, db)
        guard missing.isEmpty else { return .notFound(missing) }
        var hash = SHA1Stream()
        var size: Int64 = 0
        var head: [UInt8] = []
        // Stops reading at the first chunk past the limit: a request may name one chunk thousands of times.
        struct TooLarge: Error {}
        let found: Bool
        do {
            found = try blobs.forEach(organizationID: organizationID, digests: request.chunks, db) { bytes in
                size = Saturating.add(size, Int64(bytes.count))
                guard size <= Int64(limits.maxFileBytes) else { throw TooLarge() }
                hash.update(bytes)
                if head.count < 64 { head += bytes.prefix(64 - head.count) }
            }
        } catch is TooLarge {
            return .error("The file is larger than maxFileSize (\(limits.maxFileBytes) bytes).")
        }
        guard found else { return .notFound(try blobs.missing(organizationID: organizationID, digests: request.chunks, db)) }
        guard hash.hex() == request.checksum else { return .error("The file's chunks do not add up to its checksum.") }
        let kind = DebugFileKind.sniff(head[...], name: request.name)
        let file = try artifacts.insertDebugFile(projectID: project.id, checksum: request.checksum, name: request.name,
                                                 debugID: request.debugID, kind: kind.rawValue, size: size, chunks: request.chunks)
        return AssembleState(state: "ok", dif: Self.json(file))
    }

    /// A debug file as Sentry's debug file serializer writes it (what `debug-files upload` prints).
    static func json(_ file: ArtifactRepository.DebugFile) -> JSON {
        let id = file.debugID.map(JSON.string) ?? .null
        return .object([
            "id": .string(String(file.id)), "uuid": id, "debugId": id, "codeId": .null, "cpuName": "any",
            "objectName": .string(file.name), "symbolType": .string(file.kind), "size": .int(file.size),
            "sha1": .string(file.checksum), "dateCreated": .string(Timestamp.format(file.createdAt)),
            "headers": .object(["Content-Type": .string(file.kind == "proguard" ? "text/x-proguard+plain" : "application/octet-stream")]),
            "data": .object(["features": .array(file.kind == "proguard" ? ["mapping"] : [])]),
        ])
    }
}
