import EventModel
import Foundation
import Testing
@testable import Query

/// The pure parts of the upload and commit endpoints: assemble bodies, set-commits bodies, the
/// frame paths suspect commits are matched on.
@Suite struct UploadRequestTests {
    static func object(_ text: String) throws -> [String: JSON] {
        try #require(try JSON.parse(text).object)
    }

    @Test func assembleBodiesAreValidated() throws {
        let sha = String(repeating: "a", count: 40)
        let bundle = try AssembleRequest.bundle(try Self.object(#"{"checksum":"\#(sha.uppercased())","chunks":["\#(sha)"],"projects":["web"],"version":"web@1","dist":""}"#))
        #expect(bundle == .init(checksum: sha, chunks: [sha], projects: ["web"], version: "web@1", dist: nil))
        #expect(throws: QueryError.self) { try AssembleRequest.bundle(try Self.object(#"{"checksum":"x","chunks":[],"projects":["web"]}"#)) }
        #expect(throws: QueryError.self) { try AssembleRequest.bundle(try Self.object(#"{"checksum":"\#(sha)","chunks":["../x"],"projects":["web"]}"#)) }
        #expect(throws: QueryError.self) { try AssembleRequest.bundle(try Self.object(#"{"checksum":"\#(sha)","chunks":[],"projects":[]}"#)) }
        #expect(throws: QueryError.self) { try AssembleRequest.bundle(try Self.object(#"{"checksum":"\#(sha)","chunks":[],"projects":["w"],"version":"a/b"}"#)) }
        let many = "[" + Array(repeating: "\"\(sha)\"", count: AssembleRequest.maxChunks + 1).joined(separator: ",") + "]"
        #expect(throws: QueryError.self) { try AssembleRequest.bundle(try Self.object(#"{"checksum":"\#(sha)","chunks":\#(many),"projects":["w"]}"#)) }

        let files = try AssembleRequest.debugFiles(try Self.object(#"{"\#(sha)":{"name":"/proguard/x.txt","debug_id":"C0FFEE00-1111-2222-3333-444455556666","chunks":["\#(sha)"]}}"#))
        #expect(files == [.init(checksum: sha, name: "/proguard/x.txt", debugID: "c0ffee00-1111-2222-3333-444455556666", chunks: [sha])])
        let unnamed = try AssembleRequest.debugFiles(try Self.object(#"{"\#(sha)":{"name":"/proguard/1E639762-8b92-57d6-afe8-79db5c5a7261.txt","chunks":[]}}"#))
        #expect(unnamed.first?.debugID == "1e639762-8b92-57d6-afe8-79db5c5a7261")
        #expect(AssembleRequest.proguardUUID("/proguard/../x.txt") == nil)
        #expect(throws: QueryError.self) { try AssembleRequest.debugFiles(try Self.object(#"{"nothex":{"name":"x","chunks":[]}}"#)) }
        #expect(throws: QueryError.self) { try AssembleRequest.debugFiles(try Self.object(#"{"\#(sha)":{"chunks":[]}}"#)) }
    }

    @Test func setCommitsBodiesParse() throws {
        let update = try ReleaseRequest.update(try Self.object("""
            {"commits":[{"patch_set":[{"path":"src/app.js","type":"M"},{"path":"README","type":"A"}],"repository":"acme/web",
             "author_name":"Ada","author_email":"ada@example.com","timestamp":"2024-05-01T12:00:00+02:00","message":"fix","id":"abc123"}]}
            """))
        let commit = try #require(update.commits?.first)
        #expect(commit.id == "abc123")
        #expect(commit.files.map { $0.path } == ["src/app.js", "README"])
        #expect(commit.timestamp == Date(timeIntervalSince1970: 1_714_557_600))
        let refs = try ReleaseRequest.update(try Self.object(#"{"refs":[{"repository":"acme/web","commit":"abc","previousCommit":null}]}"#))
        #expect(refs.refs == [.init(repository: "acme/web", commit: "abc", previous: nil)])
        #expect(throws: QueryError.self) { try ReleaseRequest.update(try Self.object(#"{"commits":[{"id":""}]}"#)) }
        #expect(throws: QueryError.self) { try ReleaseRequest.update(try Self.object(#"{"commits":[{"id":"a","patch_set":[{"path":"x","type":"Z"}]}]}"#)) }
        #expect(throws: QueryError.self) { try ReleaseRequest.update(try Self.object(#"{"commits":"no"}"#)) }
    }

    @Test func suspectCommitsMatchInAppFramePaths() throws {
        let payload = try Self.object("""
            {"exception":{"values":[{"stacktrace":{"frames":[
              {"filename":"node_modules/lib/index.js","in_app":false},
              {"abs_path":"https://cdn.example.com/static/app.js?v=3","in_app":true},
              {"filename":"app:///src/checkout.js","in_app":true},
              {"filename":"./src/checkout.js","in_app":true}]}}]}}
            """)
        #expect(SuspectCommits.framePaths(payload) == ["src/checkout.js", "static/app.js"])
        #expect(SuspectCommits.normalized("https://host") == nil)
        #expect(SuspectCommits.normalized("~/a/b.js") == "a/b.js")
    }
}
