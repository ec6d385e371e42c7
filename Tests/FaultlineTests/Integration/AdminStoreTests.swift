import Foundation
import Postgres
import Store
import Testing

@Suite struct AdminStoreTests {
    @Test func createsOrganizationsProjectsKeysAndTokens() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let store = AdminStore(db)
            let org = try store.createOrganization(slug: "acme")
            let project = try store.createProject(organization: "acme", slug: "web", platform: "python")
            #expect(project.organizationID == org.id)
            let key = try store.createKey(organization: "acme", project: "web")
            #expect(key.publicKey.count == 32)
            #expect(try store.key(publicKey: key.publicKey)?.projectID == project.id)
            #expect(throws: StoreError.self) { try store.createOrganization(slug: "acme") }
            #expect(throws: StoreError.self) { try store.createOrganization(slug: "Bad Slug!") }
            #expect(throws: StoreError.self) { try store.createProject(organization: "nope", slug: "web") }
            // The kind tells a taken name from a bad one and a missing one (the API maps kinds to statuses).
            #expect(throws: StoreError.conflict("organization acme already exists")) { try store.createOrganization(slug: "acme") }
            do { _ = try store.createOrganization(slug: "Bad Slug!") } catch let error as StoreError { #expect(error.kind == .invalid) }
            do { _ = try store.createProject(organization: "nope", slug: "web") } catch let error as StoreError { #expect(error.kind == .notFound) }
            do { _ = try store.createProject(organization: "acme", slug: "web") } catch let error as StoreError { #expect(error.kind == .conflict) }
            #expect(try store.project(organization: "acme", slug: "web")?.organizationName == "acme")

            try store.setKeyActive(publicKey: key.publicKey, active: false)
            #expect(try store.key(publicKey: key.publicKey)?.isActive == false)
        }
    }

    @Test func tokensAreStoredHashedAndCanBeRevoked() async throws {
        try await withTestDatabase { database in
            let db = try database.connect()
            let store = AdminStore(db)
            _ = try store.createOrganization(slug: "acme")
            let (token, record) = try store.createToken(organization: "acme", scopes: ["event:read"])
            #expect(token.hasPrefix("flt_"))
            let stored = try db.query("SELECT token_hash FROM api_tokens WHERE id = $1", [record.id]).first?.string("token_hash")
            #expect(stored != token)
            #expect(stored == Secrets.hash(token: token))
            #expect(try db.query("SELECT count(*) AS c FROM api_tokens WHERE token_hash = $1", [token]).first?.int("c") == 0)

            let grant = try #require(try store.authenticate(token: token))
            #expect(grant.scopes == ["event:read"])
            #expect(try store.authenticate(token: token + "x") == nil)
            try store.revokeToken(id: record.id)
            #expect(try store.authenticate(token: token) == nil)
            #expect(throws: StoreError.self) { try store.createToken(organization: "acme", scopes: ["root"]) }
        }
    }
}
