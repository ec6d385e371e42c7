import Foundation
import Postgres

/// The rows a relay judges requests by: a DSN key with its project's organization and inbound
/// filters (as stored JSON), the rate limits, and the quota leased of them; and the admin
/// writes of filters and limits. Decoding them into filters and limits is the relay's
/// (`RelayConfig` module), so Store needs no Quotas types.
public struct RelayConfigRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public struct KeyRow: Sendable {
        public let key: ProjectKey
        public let organizationID: Int64
        /// The project's inbound filters, the JSON text stored in `projects.filters`.
        public let filters: String
    }

    public func key(publicKey: String) throws -> KeyRow? {
        try db.query("""
            SELECT k.id, k.project_id, k.public_key, k.secret_key, k.label, k.is_active, k.created_at,
                   p.organization_id, p.filters::text AS filters
            FROM project_keys k JOIN projects p ON p.id = k.project_id
            WHERE k.public_key = $1
            """, [publicKey]).first.map { row in
            KeyRow(key: try AdminStore.key(row), organizationID: try row.int("organization_id"), filters: try row.string("filters"))
        }
    }

    public struct RateLimitRow: Sendable {
        public let id: Int64
        /// nil: the limit is the whole project's.
        public let keyID: Int64?
        public let category: String
        public let windowSeconds: Int64
        public let maxQuantity: Int64
    }

    /// The project's limits and the key's own, by id.
    public func rateLimits(projectID: Int64, keyID: Int64) throws -> [RateLimitRow] {
        try db.query("""
            SELECT id, key_id, category, window_seconds, max_quantity FROM rate_limits
            WHERE project_id = $1 AND (key_id IS NULL OR key_id = $2)
            ORDER BY id
            """, [projectID, keyID]).rows.map { row in
            RateLimitRow(id: try row.int("id"), keyID: try row.optionalInt("key_id"), category: try row.string("category"),
                         windowSeconds: try row.int("window_seconds"), maxQuantity: try row.int("max_quantity"))
        }
    }

    /// Takes up to `want` of the limit's remaining quantity in the window, atomically; returns
    /// what was granted (0 when the window is used up). Concurrent relays serialize on the row.
    public func lease(limitID: Int64, maxQuantity: Int64, windowStart: Int64, want: Int64) throws -> Int64 {
        try db.query("""
            INSERT INTO quota_usage (limit_id, window_start, used) VALUES ($1, $2, 0)
            ON CONFLICT (limit_id, window_start) DO NOTHING
            """, [limitID, windowStart])
        let rows = try db.query("""
            WITH current AS (
                SELECT used FROM quota_usage WHERE limit_id = $1 AND window_start = $2 FOR UPDATE
            )
            UPDATE quota_usage q SET used = q.used + LEAST($3, $4 - c.used)
            FROM current c
            WHERE q.limit_id = $1 AND q.window_start = $2 AND c.used < $4
            RETURNING LEAST($3, $4 - c.used) AS granted
            """, [limitID, windowStart, want, maxQuantity])
        guard let row = rows.first else { return 0 }
        return try row.int("granted")
    }

    /// The project's inbound filters as stored JSON text (nil: no such project).
    public func filters(projectID: Int64) throws -> String? {
        try db.query("SELECT filters::text AS filters FROM projects WHERE id = $1", [projectID]).first?.string("filters")
    }

    /// The project's limits of its keys alone (not the project-wide ones), by id.
    public func keyRateLimits(projectID: Int64) throws -> [RateLimitRow] {
        try db.query("""
            SELECT id, key_id, category, window_seconds, max_quantity FROM rate_limits
            WHERE project_id = $1 AND key_id IS NOT NULL ORDER BY id
            """, [projectID]).rows.map { row in
            RateLimitRow(id: try row.int("id"), keyID: try row.optionalInt("key_id"), category: try row.string("category"),
                         windowSeconds: try row.int("window_seconds"), maxQuantity: try row.int("max_quantity"))
        }
    }

    /// Replaces the project's inbound filters with the JSON object `json`.
    public func setFilters(organization: String, project: String, json: String) throws {
        let rows = try db.query("""
            UPDATE projects p SET filters = $3::jsonb FROM organizations o
            WHERE o.id = p.organization_id AND o.slug = $1 AND p.slug = $2
            """, [organization, project, json])
        if rows.affected == 0 { throw StoreError.notFound("no project \(organization)/\(project)") }
    }

    /// Creates or replaces a limit; `publicKey` nil means the whole project.
    public func setRateLimit(organization: String, project: String, publicKey: String?, category: String,
                             windowSeconds: Int64, maxQuantity: Int64) throws -> Int64 {
        guard let target = try AdminStore(db).project(organization: organization, slug: project) else {
            throw StoreError.notFound("no project \(organization)/\(project)")
        }
        var keyID: Int64?
        if let publicKey {
            guard let key = try AdminStore(db).key(publicKey: publicKey), key.projectID == target.id else {
                throw StoreError.notFound("no key \(publicKey) in \(organization)/\(project)")
            }
            keyID = key.id
        }
        let rows = try db.query("""
            INSERT INTO rate_limits (project_id, key_id, category, window_seconds, max_quantity)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (project_id, key_id, category, window_seconds) DO UPDATE SET max_quantity = EXCLUDED.max_quantity
            RETURNING id
            """, [target.id, keyID, category, windowSeconds, maxQuantity])
        return try rows[0].int("id")
    }
}
