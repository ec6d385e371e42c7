import Artifacts
import CompressNIO
import EventModel
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Postgres
import Processor
import Store
import Testing

/// Uploads with the real sentry-cli from PyPI (3.x, and 2.x for the legacy release files)
/// against the in-process stack, read back through `StoredArtifactSource` as the symbolication
/// stage reads them; and hostile uploads, each answered with a status and a message.
@Suite(.serialized) struct ArtifactUploadTests {
    static func cli() throws -> String {
        URL(fileURLWithPath: try TestEnvironment.python).deletingLastPathComponent().appendingPathComponent("sentry-cli").path
    }

    /// sentry-cli 2.x: `FAULTLINE_TEST_SENTRY_CLI2`, else `venv-cli2` beside the test venv (deploy/lib.sh installs it).
    static func cli2() throws -> String {
        if let path = ProcessInfo.processInfo.environment["FAULTLINE_TEST_SENTRY_CLI2"], !path.isEmpty { return path }
        return URL(fileURLWithPath: try TestEnvironment.python).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("venv-cli2/bin/sentry-cli").path
    }

    @Test func sentryCLIUploadsSourceMapsDebugFilesReleaseFilesAndCommits() async throws {
        let binary = try Self.cli(), legacy = try Self.cli2()
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database)
            let url = database.url
            try await stack.app.test(.live) { client in
                let db = try PGConnection(url: url)
                defer { db.close() }
                let port = try #require(client.port)
                let work = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-artifacts-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: work) }
                let environment = ["SENTRY_URL": "http://127.0.0.1:\(port)", "SENTRY_AUTH_TOKEN": stack.token,
                                   "SENTRY_ORG": "acme", "SENTRY_PROJECT": "web", "SENTRY_DSN": stack.dsn(port: port),
                                   "SENTRY_HTTP_MAX_RETRIES": "0", "SENTRY_LOAD_DOTENV": "0",
                                   "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
                                   "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"]
                @discardableResult
                func sh(_ script: String, in directory: URL? = nil, expect: Bool = true) async throws -> (status: Int32?, stdout: String, stderr: String) {
                    let run = try await ChildProcess.run("/bin/sh", ["-c", "cd '\((directory ?? work).path)' && \(script)"], environment: environment)
                    if expect { #expect(run.status == 0, "\(script): \(run.stdout) \(run.stderr)") }
                    return run
                }
                let source = StoredArtifactSource { body in try? body(db) }

                // JavaScript: a real esbuild bundle, debug IDs injected by sentry-cli, uploaded as an artifact bundle.
                let js = work.appendingPathComponent("js")
                try FileManager.default.createDirectory(at: js.appendingPathComponent("src"), withIntermediateDirectories: true)
                try "export function total(items) {\n  return items.reduce((sum, item) => sum + item.price, 0);\n}\n"
                    .write(to: js.appendingPathComponent("src/util.js"), atomically: true, encoding: .utf8)
                try "import { total } from './util.js';\nexport function checkout(cart) {\n  if (!cart) throw new Error('empty cart');\n  return total(cart.items);\n}\nconsole.log(checkout({ items: [{ price: 2 }] }));\n"
                    .write(to: js.appendingPathComponent("src/app.js"), atomically: true, encoding: .utf8)
                try await sh("esbuild src/app.js --bundle --minify --sourcemap --outfile=dist/app.min.js", in: js)
                try await sh("'\(binary)' sourcemaps inject dist", in: js)
                let minified = try Array(Data(contentsOf: js.appendingPathComponent("dist/app.min.js")))
                let map = try Array(Data(contentsOf: js.appendingPathComponent("dist/app.min.js.map")))
                let debugID = try #require(String(decoding: minified, as: UTF8.self).components(separatedBy: "//# debugId=").last?
                    .trimmingCharacters(in: .whitespacesAndNewlines))
                let upload = try await sh("'\(binary)' sourcemaps upload --release web@1.0 dist", in: js)
                #expect(upload.stdout.contains("Uploaded files to Sentry") || upload.stderr.contains("Uploaded files to Sentry")
                        || upload.stdout.contains("Bundled"), "\(upload.stdout) \(upload.stderr)")
                // sentry-cli rewrites the map it uploads (adds `debugId`, re-encodes): compare what it says.
                func sameMap(_ stored: [UInt8]?) -> Bool {
                    guard let stored, let json = try? JSON.parse(stored), let original = try? JSON.parse(map) else { return false }
                    return json["sourcesContent"] == original["sourcesContent"] && json["sources"] == original["sources"]
                        && (json["debugId"] ?? json["debug_id"])?.string == debugID
                }
                #expect(sameMap(source.artifact(project: stack.projectID, debugID: debugID, kind: .sourceMap)))
                #expect(source.artifact(project: stack.projectID, debugID: debugID.uppercased(), kind: .minifiedSource) == minified)
                #expect(sameMap(source.releaseArtifact(project: stack.projectID, release: "web@1.0", dist: nil, url: "~/app.min.js.map")))
                #expect(source.releaseArtifact(project: stack.projectID, release: "web@2.0", dist: nil, url: "~/app.min.js.map") == nil)
                #expect(source.artifact(project: stack.projectID, debugID: "00000000-0000-0000-0000-000000000000", kind: .sourceMap) == nil)
                // Uploading the same files again is answered from what is stored.
                try await sh("'\(binary)' sourcemaps upload --release web@1.0 dist", in: js)
                #expect(try db.query("SELECT count(*) AS n FROM artifact_bundles").first?.int("n") == 1)
                // The release exists now, for the project.
                let release = try await client.execute(uri: "/api/0/organizations/acme/releases/web@1.0/", method: .get,
                                                       headers: [.authorization: "Bearer \(stack.token)"])
                #expect(release.status == .ok)

                // ProGuard: `upload-proguard`, read back by the UUID sentry-cli computed.
                let mapping = "com.example.shop.Checkout -> a.a:\n    int total(java.util.List) -> a\n    1:3:void run():10:12 -> b\n"
                try mapping.write(to: work.appendingPathComponent("mapping.txt"), atomically: true, encoding: .utf8)
                let proguard = try await sh("'\(binary)' upload-proguard mapping.txt")
                let rows = try db.query("SELECT name, kind, debug_id FROM debug_files").rows.map { row in
                    "\((try? row.string("name")) ?? "") \((try? row.string("kind")) ?? "") \((try? row.optionalString("debug_id")) ?? nil ?? "")"
                }
                let uuid = try #require(try db.query("SELECT debug_id FROM debug_files WHERE kind = 'proguard'").first?.optionalString("debug_id"),
                                        "\(rows) \(proguard.stdout) \(proguard.stderr)")
                #expect(proguard.stdout.lowercased().contains(uuid) || proguard.stderr.lowercased().contains(uuid), "\(proguard.stdout) \(proguard.stderr)")
                #expect(source.proguardMapping(project: stack.projectID, uuid: uuid) == Array(mapping.utf8))
                #expect(source.proguardMapping(project: stack.projectID + 1, uuid: uuid) == nil)

                // A native debug file is accepted and stored (not used).
                try "int main(void) { return 0; }\n".write(to: work.appendingPathComponent("native.c"), atomically: true, encoding: .utf8)
                try await sh("cc -g -Wl,--build-id -o native native.c")
                try await sh("'\(binary)' debug-files upload --include-sources native")
                #expect(try db.query("SELECT count(*) AS n FROM debug_files WHERE kind = 'elf'").first?.int("n") ?? 0 >= 1)
                let dsyms = try await client.execute(uri: "/api/0/projects/acme/web/files/dsyms/", method: .get,
                                                     headers: [.authorization: "Bearer \(stack.token)"])
                #expect(try JSON.parse(Array(dsyms.body.readableBytesView)).array?.count ?? 0 >= 2)

                // set-commits --local in a real git repository: commits with their changed files.
                let repo = work.appendingPathComponent("repo")
                try FileManager.default.createDirectory(at: repo.appendingPathComponent("src"), withIntermediateDirectories: true)
                try await sh("git init -q . && echo a > src/app.js && git add . && git commit -qm 'add app' && echo b >> src/app.js && echo c > README && git add . && git commit -qm 'fix checkout total'", in: repo)
                try await sh("'\(binary)' releases set-commits web@1.0 --local", in: repo)
                let commits = try await client.execute(uri: "/api/0/organizations/acme/releases/web@1.0/commits/", method: .get,
                                                       headers: [.authorization: "Bearer \(stack.token)"])
                let commitList = try JSON.parse(Array(commits.body.readableBytesView)).array ?? []
                #expect(commitList.count == 2)
                #expect(commitList.first?["message"]?.string?.contains("fix checkout total") == true)
                #expect(commitList.first?["author"]?["email"]?.string == "ada@example.com")
                #expect(commitList.first?["files"]?.array?.compactMap { $0["filename"]?.string }.sorted() == ["README", "src/app.js"])
                let info = try JSON.parse(Array(try await client.execute(uri: "/api/0/organizations/acme/releases/web@1.0/", method: .get,
                                                                          headers: [.authorization: "Bearer \(stack.token)"]).body.readableBytesView))
                #expect(info["commitCount"]?.int == 2)

                // Repositories: registered through the API, listed by sentry-cli.
                let created = try await client.execute(uri: "/api/0/organizations/acme/repos/", method: .post,
                                                       headers: [.authorization: "Bearer \(stack.token)", .contentType: "application/json"],
                                                       body: ByteBuffer(string: #"{"name":"acme/web","url":"https://git.example.com/acme/web"}"#))
                #expect(created.status == .created)
                let repos = try await sh("'\(binary)' repos list")
                #expect(repos.stdout.contains("acme/web"))

                // An event of the release with an in-app frame in src/app.js: the commit is its suspect.
                let eventID = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
                let payload = #"{"event_id":"\#(eventID)","platform":"javascript","release":"web@1.0","exception":{"values":[{"type":"Error","value":"empty cart","stacktrace":{"frames":[{"filename":"app:///src/app.js","function":"checkout","lineno":3,"in_app":true}]}}]}}"#
                #expect(try await stack.postEnvelope(client, "{\"event_id\":\"\(eventID)\"}\n{\"type\":\"event\"}\n\(payload)\n") == .ok)
                var committers: JSON = .null
                let deadline = Date().addingTimeInterval(20)
                while Date() < deadline {
                    let response = try await client.execute(uri: "/api/0/projects/acme/web/events/\(eventID)/committers/", method: .get,
                                                            headers: [.authorization: "Bearer \(stack.token)"])
                    if response.status == .ok {
                        committers = try JSON.parse(Array(response.body.readableBytesView))
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let committer = try #require(committers["committers"]?.array?.first)
                #expect(committer["author"]?["email"]?.string == "ada@example.com")
                #expect(committer["commits"]?.array?.first?["message"]?.string?.contains("fix checkout total") == true)

                // The whole path: a minified frame of the uploaded bundle, sent through the relay, is
                // symbolicated by the processor from what sentry-cli uploaded, and the API shows both.
                let minifiedText = String(decoding: minified, as: UTF8.self)
                let throwSite = try #require(minifiedText.range(of: "Error(\"empty cart\")") ?? minifiedText.range(of: "empty cart"))
                let linesBefore = minifiedText[..<throwSite.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
                let minLine = linesBefore.count, minColumn = (linesBefore.last.map { $0.utf16.count } ?? 0) + 1
                let symbolicatedID = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
                let minifiedEvent = #"{"event_id":"\#(symbolicatedID)","platform":"javascript","release":"web@1.0","exception":{"values":[{"type":"Error","value":"empty cart","stacktrace":{"frames":[{"abs_path":"https://shop.example.com/app.min.js","filename":"app.min.js","function":"n","lineno":\#(minLine),"colno":\#(minColumn)}]}}]},"debug_meta":{"images":[{"type":"sourcemap","code_file":"https://shop.example.com/app.min.js","debug_id":"\#(debugID)"}]}}"#
                #expect(try await stack.postEnvelope(client, "{\"event_id\":\"\(symbolicatedID)\"}\n{\"type\":\"event\"}\n\(minifiedEvent)\n") == .ok)
                var symbolicated: JSON = .null
                let symbolicatedDeadline = Date().addingTimeInterval(20)
                while Date() < symbolicatedDeadline {
                    let response = try await client.execute(uri: "/api/0/projects/acme/web/events/\(symbolicatedID)/", method: .get,
                                                            headers: [.authorization: "Bearer \(stack.token)"])
                    if response.status == .ok {
                        symbolicated = try JSON.parse(Array(response.body.readableBytesView))
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let exceptionEntry = try #require(symbolicated["entries"]?.array?.first { $0["type"] == "exception" }, "\(symbolicated)")
                let value = exceptionEntry["data"]?["values"]?.array?.first
                let frame = try #require(value?["stacktrace"]?["frames"]?.array?.last, "\(exceptionEntry)")
                #expect(frame["filename"]?.string?.hasSuffix("src/app.js") == true, "\(frame)")
                #expect(frame["lineNo"]?.int == 3, "\(frame)")
                #expect(frame["context"]?.array?.contains { $0.array?.last?.string?.contains("throw new Error('empty cart')") == true } == true,
                        "\(frame)")
                let rawFrame = value?["rawStacktrace"]?["frames"]?.array?.last
                #expect(rawFrame?["filename"]?.string == "app.min.js" && rawFrame?["lineNo"]?.int == Int64(minLine), "\(value ?? .null)")

                // events list: the project's events.
                let events = try await sh("'\(binary)' events list")
                // sentry-cli prints the id as a hyphenated UUID.
                let hyphenated = UUID(uuidString: eventID.replacingOccurrences(of: "^(.{8})(.{4})(.{4})(.{4})(.{12})$", with: "$1-$2-$3-$4-$5",
                                                                               options: .regularExpression))?.uuidString.lowercased() ?? eventID
                #expect(events.stdout.contains(hyphenated), "\(events.stdout) \(events.stderr)")
                #expect(events.stdout.contains("Error: empty cart"))

                // The legacy release files with sentry-cli 2.x.
                if FileManager.default.isExecutableFile(atPath: legacy) {
                    try await sh("'\(legacy)' releases files web@1.0 upload dist/app.min.js '~/legacy/app.min.js'", in: js)
                    let listed = try await sh("'\(legacy)' releases files web@1.0 list")
                    #expect(listed.stdout.contains("~/legacy/app.min.js"))
                    #expect(source.releaseArtifact(project: stack.projectID, release: "web@1.0", dist: nil, url: "~/legacy/app.min.js") == minified)
                    try await sh("'\(legacy)' releases files web@1.0 delete '~/legacy/app.min.js'")
                    #expect(source.releaseArtifact(project: stack.projectID, release: "web@1.0", dist: nil, url: "~/legacy/app.min.js") == nil)
                } else {
                    Issue.record("sentry-cli 2.x not found at \(legacy): run deploy/lib.sh's ensure_venv or set FAULTLINE_TEST_SENTRY_CLI2")
                }

                // The blobs job leaves referenced blobs alone, however old.
                try db.query("UPDATE blobs SET last_used_at = now() - interval '2 hours'")
                _ = try PeriodicJob.blobs(artifactRetentionDays: 90).run(db)
                #expect(source.proguardMapping(project: stack.projectID, uuid: uuid) == Array(mapping.utf8))
                #expect(sameMap(source.artifact(project: stack.projectID, debugID: debugID, kind: .sourceMap)))
            }
            await stack.shutdown()
        }
    }
}


extension ArtifactUploadTests {
    @Test func hostileUploadsAreAnsweredWithAStatusAndAMessage() async throws {
        var limits = ArtifactLimits()
        limits.chunkBytes = 4096
        limits.chunksPerRequest = 8
        limits.maxRequestBytes = 64 * 1024
        limits.maxBundleBytes = 16 * 1024
        limits.organizationQuotaBytes = 40_000
        try await withTestDatabase { database in
            let stack = try InProcessStack.make(database: database, artifacts: limits)
            let url = database.url
            try await stack.app.test(.live) { client in
                let db = try PGConnection(url: url)
                defer { db.close() }
                let (readOnly, _) = try AdminStore(db).createToken(organization: "acme", label: "read", scopes: ["project:read"])
                let auth: HTTPFields = [.authorization: "Bearer \(stack.token)"]
                let jsonAuth: HTTPFields = [.authorization: "Bearer \(stack.token)", .contentType: "application/json"]
                let garbageAuth: HTTPFields = [.authorization: "Bearer \(stack.token)", .contentType: "multipart/form-data; boundary=x"]
                func detail(_ response: TestResponse) -> String {
                    (try? JSON.parse(Array(response.body.readableBytesView)))?["detail"]?.string ?? ""
                }
                func uploadChunks(_ parts: [(field: String, name: String, data: [UInt8])], token: String? = nil,
                                  org: String = "acme") async throws -> TestResponse {
                    let boundary = "faultline-test-boundary"
                    var body: [UInt8] = []
                    for part in parts {
                        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.field)\"; filename=\"\(part.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
                        body += part.data + Array("\r\n".utf8)
                    }
                    body += Array("--\(boundary)--\r\n".utf8)
                    var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
                    headers[.authorization] = "Bearer \(token ?? stack.token)"
                    return try await client.execute(uri: "/api/0/organizations/\(org)/chunk-upload/", method: .post, headers: headers,
                                                    body: ByteBuffer(bytes: body))
                }
                func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
                    var buffer = ByteBuffer(bytes: bytes)
                    return Array(try buffer.compress(with: .gzip()).readableBytesView)
                }
                func chunk(_ bytes: [UInt8]) throws -> (field: String, name: String, data: [UInt8]) {
                    ("file_gzip", ChunkDigest.sha1(bytes), try gzip(bytes))
                }
                func assemble(_ file: [UInt8], chunks: [String]? = nil, checksum: String? = nil) async throws -> JSON {
                    let digests = chunks ?? [ChunkDigest.sha1(file)]
                    let body = JSON.object(["checksum": .string(checksum ?? ChunkDigest.sha1(file)), "chunks": .array(digests.map(JSON.string)),
                                            "projects": ["web"], "version": "hostile@1"])
                    let response = try await client.execute(uri: "/api/0/organizations/acme/artifactbundle/assemble/", method: .post,
                                                            headers: jsonAuth,
                                                            body: ByteBuffer(bytes: body.encoded()))
                    #expect(response.status == .ok)
                    return try JSON.parse(Array(response.body.readableBytesView))
                }

                // Authentication, organization and scope come before anything is read.
                #expect(try await client.execute(uri: "/api/0/organizations/acme/chunk-upload/", method: .get).status == .unauthorized)
                #expect(try await client.execute(uri: "/api/0/organizations/other/chunk-upload/", method: .get, headers: auth).status == .notFound)
                #expect(try await client.execute(uri: "/api/0/organizations/acme/chunk-upload/", method: .get,
                                                 headers: [.authorization: "Bearer \(readOnly)"]).status == .forbidden)
                let big = [UInt8](repeating: 0x41, count: 2048)
                #expect(try await uploadChunks([try chunk(big)], token: readOnly).status == .forbidden)
                #expect(try await uploadChunks([try chunk(big)], org: "other").status == .notFound)
                let options = try JSON.parse(Array(try await client.execute(uri: "/api/0/organizations/acme/chunk-upload/", method: .get,
                                                                              headers: auth).body.readableBytesView))
                #expect(options["chunkSize"]?.int == 4096)
                #expect(options["hashAlgorithm"]?.string == "sha1")
                #expect(options["compression"]?.array == ["gzip"])
                #expect(options["url"]?.string == "/api/0/organizations/acme/chunk-upload/")

                // Chunks: the name must be the content's SHA-1; sizes are bounded before and after inflating.
                let wrong = try await uploadChunks([("file_gzip", ChunkDigest.sha1(Array("other".utf8)), try gzip(big))])
                #expect(wrong.status == .badRequest)
                #expect(detail(wrong).contains("checksum mismatch"))
                let traversal = try await uploadChunks([("file_gzip", "../../../../etc/passwd", try gzip(big))])
                #expect(traversal.status == .badRequest)
                let oversize = try await uploadChunks([try chunk([UInt8](repeating: 0x42, count: 10_000))])
                #expect(oversize.status == .contentTooLarge)
                let bomb = try await uploadChunks([("file_gzip", String(repeating: "0", count: 40), try gzip([UInt8](repeating: 0, count: 20_000_000)))])
                #expect(bomb.status == .contentTooLarge)
                #expect(detail(bomb).contains("inflates beyond"))
                let notGzip = try await uploadChunks([("file_gzip", ChunkDigest.sha1(big), big)])
                #expect(notGzip.status == .badRequest)
                let tooMany = try await uploadChunks((0..<9).map { index in try! chunk([UInt8(index)]) })
                #expect(tooMany.status == .badRequest)
                let huge = try await client.execute(uri: "/api/0/organizations/acme/chunk-upload/", method: .post,
                                                    headers: garbageAuth,
                                                    body: ByteBuffer(bytes: [UInt8](repeating: 0x2D, count: 100_000)))
                #expect(huge.status == .contentTooLarge)

                // Assembly: missing chunks are named; bad archives are errors with a detail.
                let missing = try await assemble(Array("never uploaded".utf8))
                #expect(missing["state"]?.string == "not_found")
                #expect(missing["missingChunks"]?.array == [.string(ChunkDigest.sha1(Array("never uploaded".utf8)))])
                func bundle(_ zip: TestZip) async throws -> JSON {
                    let bytes = zip.bytes()
                    #expect(try await uploadChunks([try chunk(bytes)]).status == .ok)
                    return try await assemble(bytes)
                }
                let manifest = #"{"files":{"files/_/_/a.js":{"url":"~/a.js","type":"minified_source"}}}"#
                var zipBomb = TestZip()
                zipBomb.add("manifest.json", manifest)
                zipBomb.entries.append(.init(name: "files/_/_/a.js", data: [UInt8](repeating: 0x61, count: 3000), deflate: true,
                                             declaredSize: 50_000_000))
                let bombState = try await bundle(zipBomb)
                #expect(bombState["state"]?.string == "error")
                #expect(bombState["detail"]?.string?.contains("declares") == true, "\(bombState)")
                var escaping = TestZip()
                escaping.add("manifest.json", #"{"files":{"../../evil.js":{"url":"~/evil.js","type":"minified_source"}}}"#)
                escaping.add("../../evil.js", "evil()")
                let escapeState = try await bundle(escaping)
                #expect(escapeState["state"]?.string == "error")
                #expect(escapeState["detail"]?.string?.contains("safe relative path") == true, "\(escapeState)")
                var good = TestZip()
                good.add("manifest.json", manifest)
                good.add("files/_/_/a.js", "a()")
                let truncated = Array(good.bytes().dropLast(10))
                #expect(try await uploadChunks([try chunk(truncated)]).status == .ok)
                let truncatedState = try await assemble(truncated)
                #expect(truncatedState["state"]?.string == "error")
                #expect(truncatedState["detail"]?.string?.contains("not a ZIP") == true, "\(truncatedState)")
                let lying = try await assemble(truncated, chunks: [ChunkDigest.sha1(truncated)], checksum: ChunkDigest.sha1(Array("x".utf8)))
                #expect(lying["state"]?.string == "error")
                #expect(try db.query("SELECT count(*) AS n FROM artifact_files").first?.int("n") == 0)

                // A good bundle of a release lives as long as the release: deleting it takes the files.
                let goodState = try await bundle(good)
                #expect(goodState["state"]?.string == "ok", "\(goodState)")
                #expect(try db.query("SELECT count(*) AS n FROM artifact_files").first?.int("n") == 1)
                let deleted = try await client.execute(uri: "/api/0/organizations/acme/releases/hostile@1/", method: .delete, headers: auth)
                #expect(deleted.status == .noContent)
                #expect(try db.query("SELECT count(*) AS n FROM artifact_files").first?.int("n") == 0)

                // The organization's quota: the chunk that would cross it is refused, nothing of it stored.
                var quotaStatus: HTTPResponse.Status = .ok
                var quotaDetail = ""
                for index in 0..<20 where quotaStatus == .ok {
                    let response = try await uploadChunks([try chunk((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) })])
                    quotaStatus = response.status
                    quotaDetail = detail(response)
                }
                #expect(quotaStatus == .contentTooLarge)
                #expect(quotaDetail.contains("quota"))
                let organizationID = try stack.projectOrganizationID(db)
                #expect(try BlobRepository(db).usage(organizationID: organizationID) <= 40_000)

                // Nothing references these chunks: once unused for the grace period, the blobs job frees them.
                try db.query("UPDATE blobs SET last_used_at = now() - interval '2 hours'")
                let summary = try PeriodicJob.blobs(artifactRetentionDays: 90).run(db)
                #expect(summary.contains("deleted"))
                #expect(try BlobRepository(db).usage(organizationID: organizationID) == 0)
                #expect(try db.query("SELECT count(*) AS n FROM blobs").first?.int("n") == 0)
            }
            await stack.shutdown()
        }
    }
}

extension InProcessStack {
    func projectOrganizationID(_ db: PGConnection) throws -> Int64 {
        try db.query("SELECT organization_id FROM projects WHERE id = $1", [projectID]).first?.int("organization_id") ?? 0
    }
}
