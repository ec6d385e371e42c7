import Artifacts
import EventModel
import Foundation
import Hummingbird
import NIOCore
import Postgres
import Store
import Web

/// The legacy release files (`releases files VERSION upload|list|delete` of sentry-cli 1.x and
/// 2.x, SDK build plugins): multipart upload of one file into the blob store, list, read
/// (`?download=1` gives the bytes), delete; in the organization form and the project form.
struct ReleaseFileRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        for prefix in ["organizations/:org", "projects/:org/:project"] {
            group.get("\(prefix)/releases/:version/files") { request, context in try await list(request, context) }
            group.post("\(prefix)/releases/:version/files") { request, context in try await upload(request, context) }
            group.get("\(prefix)/releases/:version/files/:file") { request, context in try await file(request, context) }
            group.delete("\(prefix)/releases/:version/files/:file") { _, context in try await delete(context) }
        }
    }

    /// The release (of the token's organization) and the project when the path names one.
    private func scope(_ grant: TokenGrant, _ context: FaultlineRequestContext, _ db: PGConnection) throws
        -> (release: ReleaseRepository.Release, projectID: Int64?) {
        let org = try context.parameters.require("org")
        let raw = try context.parameters.require("version")
        let version = raw.removingPercentEncoding ?? raw
        let organization = try api.organization(grant, slug: org, db)
        let projectID = try context.parameters.get("project").map { try api.project(grant, organization: org, project: $0, db).id }
        guard let release = try ReleaseRepository(db).release(organizationID: organization.id, version: version) else {
            throw QueryError.notFound
        }
        return (release, projectID)
    }

    private func list(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ReleaseRoutes.readScopes)
        let parameters = request.uri.queryParameters
        let (cursor, limit) = try Cursor.page(cursor: parameters["cursor"].map(String.init), perPage: parameters["per_page"].map(String.init))
        let (files, hasMore) = try await api.withConnection { [self] db in
            let (release, projectID) = try self.scope(grant, context, db)
            let rows = try ArtifactRepository(db).releaseFiles(releaseID: release.id, projectID: projectID, limit: limit + 1,
                                                               offset: cursor.offset)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
        return JSONResponse.make(.ok, bytes: JSON.array(files.map(Self.json)).encoded(),
                                 headers: [.link: api.link(request, offset: cursor.offset, limit: limit, hasMore: hasMore)])
    }

    private func upload(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ReleaseRoutes.writeScopes)
        let limit = api.artifacts.maxReleaseFileBytes
        // The token is checked (middleware) and the release found before the body is read.
        _ = try await api.withConnection { [self] db in try self.scope(grant, context, db) }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit + 64 * 1024 {
            throw QueryError(.contentTooLarge, "Release file upload exceeds \(limit) bytes.")
        }
        guard let boundary = request.headers[.contentType].flatMap(Multipart.boundary) else {
            throw QueryError(.badRequest, "Expected a multipart/form-data body.")
        }
        let body = try await request.body.collect(upTo: limit + 64 * 1024)
        guard let parts = Multipart.parse(Array(body.readableBytesView), boundary: boundary),
              let filePart = parts.first(where: { $0.name == "file" }) else {
            throw QueryError(.badRequest, "Missing uploaded file")
        }
        func field(_ name: String) -> String? {
            parts.first { $0.name == name }.map { String(decoding: $0.data, as: UTF8.self) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let name = field("name") ?? filePart.filename, name.utf8.count <= 2048 else {
            throw QueryError(.badRequest, "File name must be specified")
        }
        let dist = field("dist")
        guard (dist?.utf8.count ?? 0) <= 64 else { throw QueryError.invalid("dist", "Ensure this field has no more than 64 characters.") }
        var headers: [String: String] = [:]
        for part in parts where part.name == "header" {
            let text = String(decoding: part.data, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":"), headers.count < 32, text.utf8.count <= 1024 else {
                throw QueryError(.badRequest, "header value was not formatted correctly")
            }
            headers[text[..<colon].trimmingCharacters(in: .whitespaces)] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let data = filePart.data
        guard data.count <= limit else { throw QueryError(.contentTooLarge, "Release file exceeds \(limit) bytes.") }
        let digest = ChunkDigest.sha1(data)
        let captured = headers
        let file = try await api.withConnection { [api] db in
            let (release, projectID) = try self.scope(grant, context, db)
            try api.blobs.put(organizationID: release.organizationID, blobs: [Blob(digest: digest, bytes: data)],
                              quotaBytes: api.artifacts.organizationQuotaBytes, db)
            return try ArtifactRepository(db).insertReleaseFile(releaseID: release.id, projectID: projectID, name: name, dist: dist,
                                                               sha1: digest, size: Int64(data.count), headers: captured)
        }
        guard let file else { throw QueryError(.conflict, "A file matching this name already exists for the given release") }
        return JSONResponse.make(.created, bytes: Self.json(file).encoded())
    }

    private func file(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ReleaseRoutes.readScopes)
        guard let id = Int64(try context.parameters.require("file")) else { throw QueryError.notFound }
        let download = request.uri.queryParameters["download"].map { $0 == "1" || $0 == "true" } ?? false
        let (file, bytes) = try await api.withConnection { [api] db -> (ArtifactRepository.ReleaseFile, [UInt8]?) in
            let (release, projectID) = try self.scope(grant, context, db)
            guard let file = try ArtifactRepository(db).releaseFile(releaseID: release.id, id: id),
                  projectID == nil || file.projectID == nil || file.projectID == projectID else { throw QueryError.notFound }
            guard download else { return (file, nil) }
            return (file, try api.blobs.read(organizationID: release.organizationID, digests: [file.sha1],
                                             limit: api.artifacts.maxReleaseFileBytes, db))
        }
        guard download else { return JSONResponse.make(.ok, bytes: Self.json(file).encoded()) }
        guard let bytes else { throw QueryError.notFound }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream", .xContentTypeOptions: "nosniff",
                                               .contentDisposition: "attachment"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func delete(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ReleaseRoutes.writeScopes)
        guard let id = Int64(try context.parameters.require("file")) else { throw QueryError.notFound }
        let deleted = try await api.withConnection { [self] db in
            let (release, projectID) = try self.scope(grant, context, db)
            let artifacts = ArtifactRepository(db)
            guard let file = try artifacts.releaseFile(releaseID: release.id, id: id),
                  projectID == nil || file.projectID == nil || file.projectID == projectID else { return false }
            return try artifacts.deleteReleaseFile(releaseID: release.id, id: id)
        }
        guard deleted else { throw QueryError.notFound }
        return Response(status: .noContent)
    }

    /// A release file as Sentry's serializer writes it.
    static func json(_ file: ArtifactRepository.ReleaseFile) -> JSON {
        .object([
            "id": .string(String(file.id)), "name": .string(file.name), "dist": file.dist.map(JSON.string) ?? .null,
            "headers": .object(file.headers.mapValues(JSON.string)), "size": .int(file.size), "sha1": .string(file.sha1),
            "dateCreated": .string(Timestamp.format(file.createdAt)),
        ])
    }
}
