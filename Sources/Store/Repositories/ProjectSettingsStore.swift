import Foundation
import Postgres

/// A project's processing settings as stored: data scrubbing and grouping rules (the processor
/// turns them into its own types).
public struct ProjectSettingsRow: Sendable, Equatable {
    public var scrubData: Bool
    public var scrubIPAddresses: Bool
    public var sensitiveFields: [String]
    /// Server-side fingerprint rules and stack trace rules, as text in Sentry's syntax.
    public var fingerprintRules: String
    public var stackTraceRules: String
    public var groupingRulesUpdatedAt: Date?
}

/// Reads and writes projects' processing settings.
public struct ProjectSettingsStore {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// Settings of each project asked for; unknown projects are left out.
    public func settings(projectIDs: [Int64]) throws -> [Int64: ProjectSettingsRow] {
        guard !projectIDs.isEmpty else { return [:] }
        let rows = try db.query("""
            SELECT id, scrub_data, scrub_ip_addresses, array_to_string(sensitive_fields, ' ') AS fields,
                   fingerprint_rules, stack_trace_rules, grouping_rules_updated_at
            FROM projects WHERE id = ANY($1::bigint[])
            """, [PGArray(projectIDs)])
        var result: [Int64: ProjectSettingsRow] = [:]
        for row in rows.rows {
            result[try row.int("id")] = ProjectSettingsRow(
                scrubData: try row.bool("scrub_data"), scrubIPAddresses: try row.bool("scrub_ip_addresses"),
                sensitiveFields: try row.string("fields").split(separator: " ").map(String.init),
                fingerprintRules: try row.string("fingerprint_rules"), stackTraceRules: try row.string("stack_trace_rules"),
                groupingRulesUpdatedAt: try row.optionalDate("grouping_rules_updated_at"))
        }
        return result
    }

    /// The id of the project named by its slug (and its organization's, needed when the slug
    /// is used in more than one organization).
    public func projectID(organization: String?, project: String) throws -> Int64 {
        let rows = try db.query("""
            SELECT p.id FROM projects p JOIN organizations o ON o.id = p.organization_id
            WHERE p.slug = $2 AND ($1::text IS NULL OR o.slug = $1)
            """, [organization, project])
        guard rows.rows.count <= 1 else { throw StoreError.invalid("project \(project) exists in several organizations; name one with --org") }
        guard let id = try rows.first?.int("id") else { throw StoreError.notFound("no project \(organization.map { "\($0)/" } ?? "")\(project)") }
        return id
    }

    public func setScrubbing(organization: String, project: String, scrubData: Bool, scrubIPAddresses: Bool, sensitiveFields: [String]) throws {
        let rows = try db.query("""
            UPDATE projects p SET scrub_data = $3, scrub_ip_addresses = $4, sensitive_fields = $5::text[]
            FROM organizations o
            WHERE o.id = p.organization_id AND o.slug = $1 AND p.slug = $2
            """, [organization, project, scrubData, scrubIPAddresses, PGArray(sensitiveFields)])
        if rows.affected == 0 { throw StoreError.notFound("no project \(organization)/\(project)") }
    }

    /// Stores rules the caller has already parsed; nil leaves that set of rules as it is.
    public func setGroupingRules(organization: String, project: String, fingerprintRules: String?, stackTraceRules: String?) throws {
        let rows = try db.query("""
            UPDATE projects p SET fingerprint_rules = COALESCE($3, p.fingerprint_rules),
                stack_trace_rules = COALESCE($4, p.stack_trace_rules), grouping_rules_updated_at = now()
            FROM organizations o
            WHERE o.id = p.organization_id AND o.slug = $1 AND p.slug = $2
            """, [organization, project, fingerprintRules, stackTraceRules])
        if rows.affected == 0 { throw StoreError.notFound("no project \(organization)/\(project)") }
    }
}
