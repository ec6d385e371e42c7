import Foundation
import Postgres
import Quotas
import Store

/// Everything a relay needs to judge a request for one DSN key: the key, its project's
/// organization, inbound filters and rate limits (project-wide ones and the key's own).
public struct ProjectConfig: Sendable {
    public let key: ProjectKey
    public let organizationID: Int64
    public let filters: InboundFilters
    public let limits: [QuotaLimit]
}

/// Relay-side project settings in the relay's types: decodes the rows `RelayConfigRepository`
/// reads into filters and limits, and encodes what admins set.
public struct RelayConfigStore {
    let rows: RelayConfigRepository

    public init(_ db: PGConnection) { rows = RelayConfigRepository(db) }

    public func projectConfig(publicKey: String) throws -> ProjectConfig? {
        guard let row = try rows.key(publicKey: publicKey) else { return nil }
        // Unreadable stored filters mean none, as before: a bad row must not stop ingestion.
        let filters = (try? JSONDecoder().decode(InboundFilters.self, from: Data(row.filters.utf8))) ?? InboundFilters()
        let limits = try rows.rateLimits(projectID: row.key.projectID, keyID: row.key.id).compactMap { limit -> QuotaLimit? in
            guard let category = DataCategory(rawValue: limit.category) else { return nil }
            return QuotaLimit(id: limit.id, keyID: limit.keyID, category: category, windowSeconds: limit.windowSeconds,
                              maxQuantity: limit.maxQuantity)
        }
        return ProjectConfig(key: row.key, organizationID: row.organizationID, filters: filters, limits: limits)
    }

    /// Takes up to `want` of the limit's remaining quantity in the window; returns what was granted.
    public func lease(limit: QuotaLimit, windowStart: Int64, want: Int64) throws -> Int64 {
        try rows.lease(limitID: limit.id, maxQuantity: limit.maxQuantity, windowStart: windowStart, want: want)
    }

    public func setFilters(organization: String, project: String, filters: InboundFilters) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try rows.setFilters(organization: organization, project: project,
                            json: String(decoding: try encoder.encode(filters), as: UTF8.self))
    }

    /// Creates or replaces a limit; `publicKey` nil means the whole project.
    @discardableResult
    public func setRateLimit(organization: String, project: String, publicKey: String?, category: DataCategory,
                             windowSeconds: Int64, maxQuantity: Int64) throws -> Int64 {
        try rows.setRateLimit(organization: organization, project: project, publicKey: publicKey, category: category.rawValue,
                              windowSeconds: windowSeconds, maxQuantity: maxQuantity)
    }
}
