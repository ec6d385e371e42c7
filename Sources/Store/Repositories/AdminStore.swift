import Foundation
import Postgres

/// Organizations, projects, DSN keys and API tokens.
public struct AdminStore {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public func createOrganization(slug: String, name: String? = nil) throws -> Organization {
        try Self.validate(slug: slug)
        let rows = try db.query("""
            INSERT INTO organizations (slug, name) VALUES ($1, $2)
            ON CONFLICT (slug) DO NOTHING
            RETURNING id, slug, name, created_at
            """, [slug, name ?? slug])
        guard let row = rows.first else { throw StoreError.conflict("organization \(slug) already exists") }
        return try Self.organization(row)
    }

    public func organization(slug: String) throws -> Organization? {
        try db.query("SELECT id, slug, name, created_at FROM organizations WHERE slug = $1", [slug]).first.map(Self.organization)
    }

    public func organization(id: Int64) throws -> Organization? {
        try db.query("SELECT id, slug, name, created_at FROM organizations WHERE id = $1", [id]).first.map(Self.organization)
    }

    public func organization(id: Int64, slug: String) throws -> Organization? {
        try db.query("SELECT id, slug, name, created_at FROM organizations WHERE id = $1 AND slug = $2", [id, slug])
            .first.map(Self.organization)
    }

    public func organizations() throws -> [Organization] {
        try db.query("SELECT id, slug, name, created_at FROM organizations ORDER BY slug").rows.map(Self.organization)
    }

    public func createProject(organization: String, slug: String, name: String? = nil, platform: String? = nil) throws -> Project {
        try Self.validate(slug: slug)
        guard let org = try self.organization(slug: organization) else { throw StoreError.notFound("no organization \(organization)") }
        let rows = try db.query("""
            INSERT INTO projects (organization_id, slug, name, platform) VALUES ($1, $2, $3, $4)
            ON CONFLICT (organization_id, slug) DO NOTHING
            RETURNING id
            """, [org.id, slug, name ?? slug, platform])
        guard let id = try rows.first?.int("id") else { throw StoreError.conflict("project \(organization)/\(slug) already exists") }
        guard let project = try project(id: id) else { throw StoreError(.inconsistent, "project \(id) vanished") }
        return project
    }

    static let projectColumns = """
        p.id, p.organization_id, o.slug AS organization_slug, o.name AS organization_name, p.slug, p.name, p.platform, p.created_at
        FROM projects p JOIN organizations o ON o.id = p.organization_id
        """

    public func project(id: Int64) throws -> Project? {
        try db.query("SELECT \(Self.projectColumns) WHERE p.id = $1", [id]).first.map(Self.project)
    }

    public func project(organization: String, slug: String) throws -> Project? {
        try db.query("SELECT \(Self.projectColumns) WHERE o.slug = $1 AND p.slug = $2", [organization, slug]).first.map(Self.project)
    }

    /// The organization's projects, by slug.
    public func projects(organizationID: Int64) throws -> [Project] {
        try db.query("SELECT \(Self.projectColumns) WHERE p.organization_id = $1 ORDER BY p.slug", [organizationID]).rows.map(Self.project)
    }

    public func project(organizationID: Int64, slug: String) throws -> Project? {
        try db.query("SELECT \(Self.projectColumns) WHERE p.organization_id = $1 AND p.slug = $2",
                     [organizationID, slug]).first.map(Self.project)
    }

    public func projects(organization: String? = nil) throws -> [Project] {
        try db.query("SELECT \(Self.projectColumns) WHERE ($1::text IS NULL OR o.slug = $1) ORDER BY o.slug, p.slug",
                     [organization]).rows.map(Self.project)
    }

    public func createKey(organization: String, project: String, label: String = "Default") throws -> ProjectKey {
        guard let target = try self.project(organization: organization, slug: project) else {
            throw StoreError.notFound("no project \(organization)/\(project)")
        }
        let rows = try db.query("""
            INSERT INTO project_keys (project_id, public_key, label) VALUES ($1, $2, $3)
            RETURNING id, project_id, public_key, secret_key, label, is_active, created_at
            """, [target.id, Secrets.publicKey(), label])
        guard let row = rows.first else { throw StoreError(.inconsistent, "key not created") }
        return try Self.key(row)
    }

    public func keys(organization: String? = nil, project: String? = nil) throws -> [ProjectKey] {
        try db.query("""
            SELECT k.id, k.project_id, k.public_key, k.secret_key, k.label, k.is_active, k.created_at
            FROM project_keys k JOIN projects p ON p.id = k.project_id JOIN organizations o ON o.id = p.organization_id
            WHERE ($1::text IS NULL OR o.slug = $1) AND ($2::text IS NULL OR p.slug = $2)
            ORDER BY k.id
            """, [organization, project]).rows.map(Self.key)
    }

    /// Enables or disables a key; relays stop accepting it once their cache refreshes.
    public func setKeyActive(publicKey: String, active: Bool) throws {
        let rows = try db.query("UPDATE project_keys SET is_active = $2 WHERE public_key = $1", [publicKey, active])
        if rows.affected == 0 { throw StoreError.notFound("no key \(publicKey)") }
    }

    /// Creates a token and returns it in clear text together with its record; only the hash is stored.
    /// A token naming a user who has an account (`userEmail`) is that user's personal token: it
    /// works only while they are an active member of the organization (`authenticate`).
    public func createToken(organization: String, label: String = "", scopes: [String] = Scope.all,
                            userEmail: String? = nil) throws -> (String, APIToken) {
        guard let org = try self.organization(slug: organization) else { throw StoreError.notFound("no organization \(organization)") }
        let unknown = Set(scopes).subtracting(Scope.all)
        if !unknown.isEmpty { throw StoreError.invalid("unknown scopes: \(unknown.sorted().joined(separator: ", "))") }
        let token = Secrets.apiToken()
        let rows = try db.query("""
            INSERT INTO api_tokens (organization_id, token_hash, token_prefix, label, scopes, user_email, user_id)
            VALUES ($1, $2, $3, $4, $5::text[], $6, (SELECT id FROM users WHERE lower(email) = lower($6)))
            RETURNING id
            """, [org.id, Secrets.hash(token: token), String(token.prefix(12)), label, PGArray(scopes), userEmail])
        guard let id = try rows.first?.int("id"), let record = try tokens(organization: organization).first(where: { $0.id == id }) else {
            throw StoreError(.inconsistent, "token not created")
        }
        return (token, record)
    }

    public func tokens(organization: String? = nil) throws -> [APIToken] {
        try db.query("""
            SELECT \(Self.tokenColumns)
            WHERE ($1::text IS NULL OR o.slug = $1)
            ORDER BY t.id
            """, [organization]).rows.map(Self.token)
    }

    /// The user's unrevoked personal tokens in the organization (Sentry's `api-tokens`).
    public func personalTokens(userID: Int64, organizationID: Int64) throws -> [APIToken] {
        try db.query("""
            SELECT \(Self.tokenColumns)
            WHERE t.user_id = $1 AND t.organization_id = $2 AND t.revoked_at IS NULL
            ORDER BY t.id
            """, [userID, organizationID]).rows.map(Self.token)
    }

    /// Revokes one of the user's own tokens; false when they have no such active token.
    public func revokePersonalToken(id: Int64, userID: Int64) throws -> Bool {
        try db.query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
                     [id, userID]).affected > 0
    }

    static let tokenColumns = """
        t.id, t.organization_id, o.slug AS organization_slug, t.token_prefix, t.label,
        array_to_string(t.scopes, ' ') AS scopes, t.created_at, t.revoked_at
        FROM api_tokens t JOIN organizations o ON o.id = t.organization_id
        """

    static func token(_ row: PGRow) throws -> APIToken {
        APIToken(id: try row.int("id"), organizationID: try row.int("organization_id"),
                 organizationSlug: try row.string("organization_slug"), prefix: try row.string("token_prefix"),
                 label: try row.string("label"),
                 scopes: try row.string("scopes").split(separator: " ").map(String.init),
                 createdAt: try row.date("created_at"), revokedAt: try row.optionalDate("revoked_at"))
    }

    public func revokeToken(id: Int64) throws {
        let rows = try db.query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", [id])
        if rows.affected == 0 { throw StoreError.notFound("no active token \(id)") }
    }

    /// The organization and scopes of a valid, unrevoked token; nil otherwise. A personal token
    /// (one with a user) is valid only while its user is active and a member of the organization,
    /// and grants no scope beyond the member's role: removing the member or lowering the role
    /// takes effect on the next request.
    public func authenticate(token: String) throws -> TokenGrant? {
        let rows = try db.query("""
            SELECT t.id, t.organization_id, array_to_string(t.scopes, ' ') AS scopes, t.user_email, t.user_id,
                   m.role, u.email AS member_email
            FROM api_tokens t
            LEFT JOIN users u ON u.id = t.user_id AND u.is_active
            LEFT JOIN organization_members m ON m.user_id = u.id AND m.organization_id = t.organization_id
            WHERE t.token_hash = $1 AND t.revoked_at IS NULL
            """, [Secrets.hash(token: token)])
        guard let row = rows.first else { return nil }
        var scopes = Set(try row.string("scopes").split(separator: " ").map(String.init))
        guard let userID = try row.optionalString("user_id").flatMap({ Int64($0) }) else {
            return TokenGrant(tokenID: try row.int("id"), organizationID: try row.int("organization_id"),
                              scopes: scopes, userEmail: try row.optionalString("user_email"))
        }
        guard let role = try row.optionalString("role").flatMap(Role.init(rawValue:)) else { return nil }
        scopes.formIntersection(role.scopes)
        return TokenGrant(tokenID: try row.int("id"), organizationID: try row.int("organization_id"),
                          scopes: scopes, userEmail: try row.optionalString("member_email"), userID: userID)
    }

    /// The key a relay authenticates an SDK request with.
    public func key(publicKey: String) throws -> ProjectKey? {
        try db.query("""
            SELECT id, project_id, public_key, secret_key, label, is_active, created_at FROM project_keys WHERE public_key = $1
            """, [publicKey]).first.map(Self.key)
    }

    /// Takes `count` short ids of the project; returns the last one taken (nil: no such project).
    public func reserveShortIDs(projectID: Int64, count: Int) throws -> Int64? {
        try db.query("UPDATE projects SET next_short_id = next_short_id + $2 WHERE id = $1 RETURNING next_short_id",
                     [projectID, count]).first?.int("next_short_id")
    }

    /// The organization of each project among `projectIDs` (unknown projects are left out).
    public func organizationIDs(projectIDs: [Int64]) throws -> [Int64: Int64] {
        var result: [Int64: Int64] = [:]
        for row in try db.query("SELECT id, organization_id FROM projects WHERE id = ANY($1::bigint[])", [PGArray(projectIDs)]).rows {
            result[try row.int("id")] = try row.int("organization_id")
        }
        return result
    }

    /// Slugs are a-z, 0-9, '-' and '_', 1-50 characters (what URLs and the dashboard's paths take as is).
    public static func validate(slug: String) throws {
        let allowed = slug.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }
        guard !slug.isEmpty, slug.utf8.count <= 50, allowed else {
            throw StoreError.invalid("slug '\(slug)' must be 1-50 characters of a-z, 0-9, '-' and '_'")
        }
    }

    static func organization(_ row: PGRow) throws -> Organization {
        Organization(id: try row.int("id"), slug: try row.string("slug"), name: try row.string("name"),
                     createdAt: try row.date("created_at"))
    }

    static func project(_ row: PGRow) throws -> Project {
        Project(id: try row.int("id"), organizationID: try row.int("organization_id"),
                organizationSlug: try row.string("organization_slug"),
                organizationName: try row.string("organization_name"), slug: try row.string("slug"),
                name: try row.string("name"), platform: try row.optionalString("platform"),
                createdAt: try row.date("created_at"))
    }

    static func key(_ row: PGRow) throws -> ProjectKey {
        ProjectKey(id: try row.int("id"), projectID: try row.int("project_id"), publicKey: try row.string("public_key"),
                   label: try row.string("label"), isActive: try row.bool("is_active"), createdAt: try row.date("created_at"),
                   secretKey: try row.optionalString("secret_key"))
    }
}
