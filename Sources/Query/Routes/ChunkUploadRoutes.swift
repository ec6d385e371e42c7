import Artifacts
import CompressNIO
import EventModel
import Foundation
import Hummingbird
import NIOCore
import Postgres
import Store
import Web

/// sentry-cli's chunk upload: `GET …/chunk-upload/` says how to upload, `POST` stores gzip
/// chunks (multipart, each part named by its SHA-1) in the blob store. The token is checked
/// first (middleware), then the declared size, then the body is read up to the limit, and each
/// chunk is inflated up to the chunk size and verified against its name.
struct ChunkUploadRoutes {
    let api: APIContext

    /// Scopes that may upload: those of sentry-cli's release and CI tokens.
    static let uploadScopes = ["project:releases", "project:write", "org:ci", "project:admin", "org:admin"]

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("organizations/:org/chunk-upload") { _, context in try await options(context) }
        group.post("organizations/:org/chunk-upload") { request, context in try await upload(request, context) }
    }

    private func options(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.uploadScopes)
        let org = try context.parameters.require("org")
        let slug = try await api.withConnection { [api] db in try api.organization(grant, slug: org, db).slug }
        let limits = api.artifacts
        // A relative URL: sentry-cli resolves it against its own SENTRY_URL, so proxies work.
        return JSONResponse.make(.ok, bytes: JSON.object([
            "url": .string("/api/0/organizations/\(slug)/chunk-upload/"),
            "chunkSize": .int(Int64(limits.chunkBytes)),
            "chunksPerRequest": .int(Int64(limits.chunksPerRequest)),
            "maxFileSize": .int(Int64(limits.maxFileBytes)),
            "maxRequestSize": .int(Int64(limits.maxRequestBytes)),
            "concurrency": .int(Int64(limits.concurrency)),
            "hashAlgorithm": "sha1",
            "compression": .array(["gzip"]),
            "accept": .array(["debug_files", "pdbs", "sources", "bcsymbolmaps", "il2cpp", "portablepdbs",
                              "artifact_bundles", "proguard"]),
        ]).encoded())
    }

    private func upload(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: Self.uploadScopes)
        let org = try context.parameters.require("org")
        let limits = api.artifacts
        let organization = try await api.withConnection { [api] db in try api.organization(grant, slug: org, db) }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limits.maxRequestBytes {
            throw QueryError(.contentTooLarge, "Chunk upload request of \(declared) bytes exceeds maxRequestSize (\(limits.maxRequestBytes)).")
        }
        guard let boundary = request.headers[.contentType].flatMap(Multipart.boundary) else {
            throw QueryError(.badRequest, "Expected a multipart/form-data body.")
        }
        let body = try await request.body.collect(upTo: limits.maxRequestBytes)
        guard let parts = Multipart.parse(Array(body.readableBytesView), boundary: boundary) else {
            throw QueryError(.badRequest, "Malformed multipart body.")
        }
        guard parts.count <= limits.chunksPerRequest else {
            throw QueryError(.badRequest, "Too many chunks in one request (at most \(limits.chunksPerRequest)).")
        }
        let store = api.blobs
        let quota = limits.organizationQuotaBytes
        // Each chunk is stored as soon as it is verified, so at most one inflated chunk is held.
        for part in parts {
            guard let name = part.filename, let digest = ChunkDigest.parse(name) else {
                throw QueryError(.badRequest, "Each chunk must be named by its SHA-1 (40 hex digits).")
            }
            let bytes: [UInt8]
            switch part.name {
            case "file_gzip": bytes = try Self.gunzip(part.data, limit: limits.chunkBytes)
            case "file":
                guard part.data.count <= limits.chunkBytes else {
                    throw QueryError(.contentTooLarge, "Chunk \(digest) exceeds chunkSize (\(limits.chunkBytes) bytes).")
                }
                bytes = part.data
            default: throw QueryError(.badRequest, "Unknown form field \(part.name ?? ""); expected file or file_gzip.")
            }
            guard ChunkDigest.sha1(bytes) == digest else {
                throw QueryError(.badRequest, "Chunk checksum mismatch: the content of \(digest) has another SHA-1.")
            }
            let blob = Blob(digest: digest, bytes: bytes)
            try await api.withConnection { db in try store.put(organizationID: organization.id, blobs: [blob], quotaBytes: quota, db) }
        }
        return Response(status: .ok)
    }

    static func gunzip(_ data: [UInt8], limit: Int) throws -> [UInt8] {
        var input = ByteBuffer(bytes: data)
        do {
            return Array(try input.decompress(with: .gzip(), maxSize: limit).readableBytesView)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw QueryError(.contentTooLarge, "A chunk inflates beyond chunkSize (\(limit) bytes).")
        } catch {
            throw QueryError(.badRequest, "A chunk is not valid gzip data.")
        }
    }
}
