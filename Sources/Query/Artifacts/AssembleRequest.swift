import Artifacts
import EventModel

/// The bodies of sentry-cli's assemble requests, validated (pure).
enum AssembleRequest {
    /// `POST …/artifactbundle/assemble/`.
    struct Bundle: Sendable, Equatable {
        var checksum: String
        var chunks: [String]
        var projects: [String]
        var version: String?
        var dist: String?
    }

    /// One file of `POST …/files/difs/assemble/` (the body maps checksums to these).
    struct DebugFile: Sendable, Equatable {
        var checksum: String
        var name: String
        var debugID: String?
        var chunks: [String]
    }

    /// Chunks one file may name: a 256 MiB file in 8 MiB chunks needs 32; the margin is for
    /// smaller chunk sizes a client may choose.
    static let maxChunks = 4096
    static let maxDebugFilesPerRequest = 1000

    static func bundle(_ body: [String: JSON]) throws(QueryError) -> Bundle {
        guard let checksum = body["checksum"]?.string.flatMap(ChunkDigest.parse) else {
            throw .invalid("checksum", "A SHA-1 checksum (40 hex digits) is required.")
        }
        let chunks = try digests(body["chunks"])
        var projects: [String] = []
        for item in body["projects"]?.array ?? [] {
            if let slug = item.string { projects.append(slug) } else if let id = item.int { projects.append(String(id)) } else {
                throw .invalid("projects", "Invalid project ids or slugs")
            }
        }
        guard !projects.isEmpty else { throw .invalid("projects", "This field is required.") }
        let version = body["version"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        if let version { try ReleaseRequest.validateVersion(version) }
        let dist = body["dist"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        guard (dist?.utf8.count ?? 0) <= 64 else { throw .invalid("dist", "Ensure this field has no more than 64 characters.") }
        return Bundle(checksum: checksum, chunks: chunks, projects: projects, version: version, dist: dist)
    }

    static func debugFiles(_ body: [String: JSON]) throws(QueryError) -> [DebugFile] {
        guard body.count <= maxDebugFilesPerRequest else { throw QueryError(.badRequest, "Too many files in one request.") }
        var files: [DebugFile] = []
        for (key, value) in body.sorted(by: { $0.key < $1.key }) {
            guard let checksum = ChunkDigest.parse(key) else { throw QueryError(.badRequest, "Invalid checksum \(key.prefix(64)).") }
            guard let name = value["name"]?.string, !name.isEmpty, name.utf8.count <= 1024 else {
                throw QueryError(.badRequest, "File \(checksum): a name is required.")
            }
            // sentry-cli 3.x sends a ProGuard mapping without `debug_id`, its UUID in the name.
            let debugID = value["debug_id"]?.string.flatMap(DebugID.normalized) ?? proguardUUID(name)
            files.append(DebugFile(checksum: checksum, name: name, debugID: debugID, chunks: try digests(value["chunks"])))
        }
        return files
    }

    /// The UUID of `/proguard/<uuid>.txt`, the name sentry-cli gives a mapping.
    static func proguardUUID(_ name: String) -> String? {
        guard name.hasPrefix("/proguard/") || name.hasPrefix("proguard/"), name.hasSuffix(".txt") else { return nil }
        let stem = name.split(separator: "/").last.map { String($0.dropLast(4)) } ?? ""
        guard stem.utf8.count == 36 else { return nil }
        return DebugID.normalized(stem)
    }

    private static func digests(_ value: JSON?) throws(QueryError) -> [String] {
        guard let items = value?.array else { throw .invalid("chunks", "This field is required.") }
        guard items.count <= maxChunks else { throw .invalid("chunks", "Too many chunks (at most \(maxChunks)).") }
        var chunks: [String] = []
        for item in items {
            guard let digest = item.string.flatMap(ChunkDigest.parse) else { throw .invalid("chunks", "Each chunk is a SHA-1 (40 hex digits).") }
            chunks.append(digest)
        }
        return chunks
    }
}

/// An assembly's answer, as sentry-cli polls it: `ok`, `not_found` with the chunks to upload,
/// or `error` with a `detail` it prints. Faultline assembles within the request, so `created`
/// and `assembling` are never answered.
struct AssembleState: Sendable {
    var state: String
    var missingChunks: [String] = []
    var detail: String?
    var dif: JSON?

    static let ok = AssembleState(state: "ok")
    static func notFound(_ missing: [String]) -> AssembleState { AssembleState(state: "not_found", missingChunks: missing) }
    static func error(_ detail: String) -> AssembleState { AssembleState(state: "error", detail: detail) }

    var json: JSON {
        var object: [String: JSON] = ["state": .string(state), "missingChunks": .array(missingChunks.map(JSON.string)),
                                      "detail": detail.map(JSON.string) ?? .null]
        if let dif { object["dif"] = dif }
        return .object(object)
    }
}
