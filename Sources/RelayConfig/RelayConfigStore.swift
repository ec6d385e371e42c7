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

    /// The project's inbound filters (none when the stored JSON is unreadable, as the relay reads it).
    public func filters(projectID: Int64) throws -> InboundFilters {
        guard let json = try rows.filters(projectID: projectID) else { return InboundFilters() }
        return (try? JSONDecoder().decode(InboundFilters.self, from: Data(json.utf8))) ?? InboundFilters()
    }

    /// Sentry's rate limit of each key (`rateLimit {window, count}`): the key's own `error` limit
    /// (the shortest window when it has several), by key id.
    public func keyErrorLimits(projectID: Int64) throws -> [Int64: (window: Int64, count: Int64)] {
        var result: [Int64: (window: Int64, count: Int64)] = [:]
        for row in try rows.keyRateLimits(projectID: projectID) where row.category == DataCategory.error.rawValue {
            guard let keyID = row.keyID else { continue }
            if let existing = result[keyID], existing.window <= row.windowSeconds { continue }
            result[keyID] = (row.windowSeconds, row.maxQuantity)
        }
        return result
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
