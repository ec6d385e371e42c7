import Foundation
import Postgres

/// The rows an import from another Sentry writes with the source's own ids (`faultline admin
/// import`): organizations, teams and projects keep their numeric ids and slugs, DSN keys their
/// public and secret parts. Each lookup says whether the row is already there as imported
/// (`same`), free (`absent`), or taken by something else (`conflict`), so an import is refused
/// rather than merged into another tenant's rows, and a rerun skips what it made.
public struct ImportRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public enum Existing: Sendable, Equatable {
        case absent
        case same
        case conflict(String)
    }

    public func organization(id: Int64, slug: String) throws -> Existing {
        let rows = try db.query("SELECT id, slug FROM organizations WHERE id = $1 OR slug = $2", [id, slug]).rows
        return try Self.judge(rows, id: id, what: "organization") { try $0.string("slug") == slug }
    }

    public func insertOrganization(id: Int64, slug: String, name: String) throws {
        try AdminStore.validate(slug: slug)
        try db.query("INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $3)", [id, slug, name])
    }

    public func team(id: Int64, organizationID: Int64, slug: String) throws -> Existing {
        let rows = try db.query("""
            SELECT id, organization_id, slug FROM teams WHERE id = $1 OR (organization_id = $2 AND slug = $3)
            """, [id, organizationID, slug]).rows
        return try Self.judge(rows, id: id, what: "team") { try $0.string("slug") == slug && $0.int("organization_id") == organizationID }
    }

    public func insertTeam(id: Int64, organizationID: Int64, slug: String, name: String) throws {
        try AdminStore.validate(slug: slug)
        try db.query("INSERT INTO teams (id, organization_id, slug, name) VALUES ($1, $2, $3, $4)", [id, organizationID, slug, name])
    }

    public func project(id: Int64, organizationID: Int64, slug: String) throws -> Existing {
        let rows = try db.query("""
            SELECT id, organization_id, slug FROM projects WHERE id = $1 OR (organization_id = $2 AND slug = $3)
            """, [id, organizationID, slug]).rows
        return try Self.judge(rows, id: id, what: "project") { try $0.string("slug") == slug && $0.int("organization_id") == organizationID }
    }

    public func insertProject(id: Int64, organizationID: Int64, slug: String, name: String, platform: String?) throws {
        try AdminStore.validate(slug: slug)
        try db.query("INSERT INTO projects (id, organization_id, slug, name, platform) VALUES ($1, $2, $3, $4, $5)",
                     [id, organizationID, slug, name, platform])
    }

    /// A DSN key is known by its public part, unique across the installation.
    public func key(publicKey: String, projectID: Int64) throws -> Existing {
        guard let row = try db.query("SELECT project_id FROM project_keys WHERE public_key = $1", [publicKey]).first else { return .absent }
        return try row.int("project_id") == projectID ? .same : .conflict("key \(publicKey) belongs to project \(try row.int("project_id"))")
    }

    public func insertKey(projectID: Int64, publicKey: String, secretKey: String, label: String, isActive: Bool) throws {
        try db.query("""
            INSERT INTO project_keys (project_id, public_key, secret_key, label, is_active) VALUES ($1, $2, $3, $4, $5)
            """, [projectID, publicKey, secretKey, label, isActive])
    }

    /// Moves the id sequences past the ids imported, so rows made later never collide with them.
    /// (A sequence change is not transactional: called once the organization's rows committed.)
    public func advanceSequences() throws {
        for table in ["organizations", "teams", "projects"] {
            try db.query("""
                SELECT setval(pg_get_serial_sequence('\(table)', 'id'),
                              GREATEST((SELECT COALESCE(max(id), 1) FROM \(table)),
                                       (SELECT last_value FROM \(table)_id_seq)))
                """)
        }
    }

    static func judge(_ rows: [PGRow], id: Int64, what: String, matches: (PGRow) throws -> Bool) throws -> Existing {
        guard !rows.isEmpty else { return .absent }
        if rows.count == 1, try rows[0].int("id") == id, try matches(rows[0]) { return .same }
        for row in rows where try row.int("id") != id {
            return .conflict("its slug is taken by \(what) \(try row.int("id"))")
        }
        return .conflict("its id \(id) is taken by another \(what)")
    }
}
