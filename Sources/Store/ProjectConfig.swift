import Foundation
import Postgres
import Quotas

/// Everything a relay needs to judge a request for one DSN key: the key, its project's
/// organization, inbound filters and rate limits (project-wide ones and the key's own).
public struct ProjectConfig: Sendable {
    public let key: ProjectKey
    public let organizationID: Int64
    public let filters: InboundFilters
    public let limits: [QuotaLimit]
}

/// Reads and writes relay-side project settings, and leases quota.
public struct RelayConfigStore {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public func projectConfig(publicKey: String) throws -> ProjectConfig? {
        let rows = try db.query("""
            SELECT k.id, k.project_id, k.public_key, k.label, k.is_active, k.created_at,
                   p.organization_id, p.filters::text AS filters
            FROM project_keys k JOIN projects p ON p.id = k.project_id
            WHERE k.public_key = $1
            """, [publicKey])
        guard let row = rows.first else { return nil }
        let key = try AdminStore.key(row)
        let filters = (try? JSONDecoder().decode(InboundFilters.self, from: Data(try row.string("filters").utf8))) ?? InboundFilters()
        let limits = try db.query("""
            SELECT id, key_id, category, window_seconds, max_quantity FROM rate_limits
            WHERE project_id = $1 AND (key_id IS NULL OR key_id = $2)
            ORDER BY id
            """, [key.projectID, key.id]).rows.compactMap { row -> QuotaLimit? in
            guard let category = DataCategory(rawValue: try row.string("category")) else { return nil }
            return QuotaLimit(id: try row.int("id"), keyID: try row.optionalInt("key_id"), category: category,
                              windowSeconds: try row.int("window_seconds"), maxQuantity: try row.int("max_quantity"))
        }
        return ProjectConfig(key: key, organizationID: try row.int("organization_id"), filters: filters, limits: limits)
    }

    /// Takes up to `want` of the limit's remaining quantity in the window, atomically; returns
    /// what was granted (0 when the window is used up). Concurrent relays serialize on the row.
    public func lease(limit: QuotaLimit, windowStart: Int64, want: Int64) throws -> Int64 {
        try db.query("""
            INSERT INTO quota_usage (limit_id, window_start, used) VALUES ($1, $2, 0)
            ON CONFLICT (limit_id, window_start) DO NOTHING
            """, [limit.id, windowStart])
        let rows = try db.query("""
            WITH current AS (
                SELECT used FROM quota_usage WHERE limit_id = $1 AND window_start = $2 FOR UPDATE
            )
            UPDATE quota_usage q SET used = q.used + LEAST($3, $4 - c.used)
            FROM current c
            WHERE q.limit_id = $1 AND q.window_start = $2 AND c.used < $4
            RETURNING LEAST($3, $4 - c.used) AS granted
            """, [limit.id, windowStart, want, limit.maxQuantity])
        guard let row = rows.first else { return 0 }
        return try row.int("granted")
    }

    public func setFilters(organization: String, project: String, filters: InboundFilters) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(filters), as: UTF8.self)
        let rows = try db.query("""
            UPDATE projects p SET filters = $3::jsonb FROM organizations o
            WHERE o.id = p.organization_id AND o.slug = $1 AND p.slug = $2
            """, [organization, project, json])
        if rows.affected == 0 { throw StoreError("no project \(organization)/\(project)") }
    }

    /// Creates or replaces a limit; `publicKey` nil means the whole project.
    @discardableResult
    public func setRateLimit(organization: String, project: String, publicKey: String?, category: DataCategory,
                             windowSeconds: Int64, maxQuantity: Int64) throws -> Int64 {
        guard let target = try AdminStore(db).project(organization: organization, slug: project) else {
            throw StoreError("no project \(organization)/\(project)")
        }
        var keyID: Int64?
        if let publicKey {
            guard let key = try AdminStore(db).key(publicKey: publicKey), key.projectID == target.id else {
                throw StoreError("no key \(publicKey) in \(organization)/\(project)")
            }
            keyID = key.id
        }
        let rows = try db.query("""
            INSERT INTO rate_limits (project_id, key_id, category, window_seconds, max_quantity)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (project_id, key_id, category, window_seconds) DO UPDATE SET max_quantity = EXCLUDED.max_quantity
            RETURNING id
            """, [target.id, keyID, category.rawValue, windowSeconds, maxQuantity])
        return try rows[0].int("id")
    }
}
