import EventModel
import Foundation
import Testing
@testable import Query

@Suite struct ReleaseRequestTests {
    static func fields(_ body: String, _ parse: ([String: JSON]) throws -> Void) -> [String: [String]]? {
        guard case .object(let members)? = try? JSON.parse(body) else { return nil }
        do { try parse(members); return nil } catch { return (error as? QueryError)?.fields }
    }

    @Test func sentryCLIsBodiesParse() throws {
        guard case .object(let body)? = try? JSON.parse(#"{"version":"web@1.2.3","projects":["web",42],"dateStarted":"2026-11-22T05:10:59.845137123Z","url":"https://x"}"#) else {
            Issue.record("body"); return
        }
        let create = try ReleaseRequest.create(body)
        #expect(create.version == "web@1.2.3")
        #expect(create.projects == [.slug("web"), .id(42)])
        #expect(create.url == "https://x")
        guard case .object(let finalize)? = try? JSON.parse(#"{"projects":["web"],"dateReleased":"2023-11-14T22:13:20Z"}"#) else { return }
        #expect(try ReleaseRequest.update(finalize).dateReleased == Date(timeIntervalSince1970: 1_700_000_000))
        guard case .object(let deploy)? = try? JSON.parse(#"{"environment":"production","name":null,"url":null,"dateStarted":null,"dateFinished":"2026-11-22T05:10:59.845137123Z"}"#) else { return }
        let parsed = try ReleaseRequest.deploy(deploy)
        #expect(parsed.environment == "production" && parsed.name == nil && parsed.dateFinished != nil && parsed.projects == nil)
    }

    @Test func badBodiesNameTheFieldLikeSentry() {
        #expect(Self.fields(#"{"projects":["web"]}"#) { _ = try ReleaseRequest.create($0) } == ["version": ["This field is required."]])
        #expect(Self.fields(#"{"version":"latest","projects":[]}"#) { _ = try ReleaseRequest.create($0) }
                == ["version": ["Release with name latest is not allowed"]])
        #expect(Self.fields(#"{"version":"a/b","projects":[]}"#) { _ = try ReleaseRequest.create($0) }
                == ["version": ["Release with name a/b is not allowed"]])
        #expect(Self.fields(#"{"version":"1.0"}"#) { _ = try ReleaseRequest.create($0) } == ["projects": ["This field is required."]])
        #expect(Self.fields(#"{"version":"1.0","projects":[true]}"#) { _ = try ReleaseRequest.create($0) }
                == ["projects": ["Invalid project ids or slugs"]])
        #expect(Self.fields(#"{"dateReleased":"tomorrow"}"#) { _ = try ReleaseRequest.update($0) }?["dateReleased"]?.first?
                .hasPrefix("Datetime has wrong format.") == true)
        #expect(Self.fields(#"{"status":"gone"}"#) { _ = try ReleaseRequest.update($0) } == ["status": ["Invalid status gone"]])
        #expect(Self.fields(#"{"name":"x"}"#) { _ = try ReleaseRequest.deploy($0) } == ["environment": ["This field is required."]])
    }

    @Test func versionInfoFollowsSentrysReleaseParser() throws {
        let semver = VersionInfo("web@1.2.3-beta.1+42")
        #expect(semver.package == "web")
        #expect(semver.version.raw == "1.2.3-beta.1+42")
        #expect(semver.version.semver == .init(major: 1, minor: 2, patch: 3, revision: 0, pre: "beta.1", buildCode: "42", components: 3))
        #expect(semver.description == "1.2.3-beta.1 (42)")
        let plain = VersionInfo("2.0rc2")
        #expect(plain.package == nil && plain.version.semver == nil && plain.description == "2.0rc2" && plain.buildHash == nil)
        let hash = VersionInfo("6ba09a7c53235ee8a8fa5ee4c1ca8ca886e7fdbb")
        #expect(hash.buildHash == "6ba09a7c53235ee8a8fa5ee4c1ca8ca886e7fdbb" && hash.description == "6ba09a7c5323")
        let json = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        #expect(json.contains(#""package":null"#) && json.contains(#""buildHash":null"#))
    }

    @Test func pagesAndLinkURLsFollowSentry() throws {
        let first = try Cursor.page(cursor: "", perPage: nil)
        #expect(first.cursor == Cursor(offset: 0) && first.limit == 100)
        let later = try Cursor.page(cursor: "0:100:0", perPage: "10")
        #expect(later.cursor == Cursor(offset: 100) && later.limit == 10)
        #expect(throws: QueryError.self) { try Cursor.page(cursor: "x", perPage: nil) }
        #expect(throws: QueryError.self) { try Cursor.page(cursor: nil, perPage: "0") }
        #expect(Cursor.pageURL(base: "http://h", path: "/api/0/organizations/acme/releases/", query: "query=1.0&cursor=0:100:0")
                == "http://h/api/0/organizations/acme/releases/?query=1.0")
        #expect(Cursor.pageURL(base: "http://h", path: "/p/", query: nil) == "http://h/p/?")
    }
}
