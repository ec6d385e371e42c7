import EventModel
import Foundation
import Postgres

/// Data-scrubbing settings as stored, for a project or an organization (where the flags mean
/// "required of every project"). `piiConfig` is Sentry's `relayPiiConfig` JSON, '' for none;
/// it was validated before it was written, and is validated again where it is used.
public struct DataScrubbingRow: Sendable, Equatable {
    public var scrubData: Bool
    public var scrubDefaults: Bool
    public var scrubIPAddresses: Bool
    public var sensitiveFields: [String]
    public var safeFields: [String]
    public var piiConfig: String

    public init(scrubData: Bool, scrubDefaults: Bool, scrubIPAddresses: Bool, sensitiveFields: [String], safeFields: [String],
                piiConfig: String) {
        self.scrubData = scrubData
        self.scrubDefaults = scrubDefaults
        self.scrubIPAddresses = scrubIPAddresses
        self.sensitiveFields = sensitiveFields
        self.safeFields = safeFields
        self.piiConfig = piiConfig
    }
}

/// A project's processing settings as stored: data scrubbing (its own and its organization's)
/// and grouping rules (the processor turns them into its own types).
public struct ProjectSettingsRow: Sendable, Equatable {
    public var scrubbing: DataScrubbingRow
    public var organizationScrubbing: DataScrubbingRow
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
            SELECT p.id, p.scrub_data, p.scrub_defaults, p.scrub_ip_addresses, to_json(p.sensitive_fields)::text AS sensitive,
                   to_json(p.safe_fields)::text AS safe, p.pii_config,
                   o.require_scrub_data, o.require_scrub_defaults, o.require_scrub_ip_addresses,
                   to_json(o.sensitive_fields)::text AS org_sensitive, to_json(o.safe_fields)::text AS org_safe,
                   o.pii_config AS org_pii_config,
                   p.fingerprint_rules, p.stack_trace_rules, p.grouping_rules_updated_at
            FROM projects p JOIN organizations o ON o.id = p.organization_id WHERE p.id = ANY($1::bigint[])
            """, [PGArray(projectIDs)])
        var result: [Int64: ProjectSettingsRow] = [:]
        for row in rows.rows {
            result[try row.int("id")] = ProjectSettingsRow(
                scrubbing: try Self.projectScrubbing(row),
                organizationScrubbing: try Self.organizationScrubbing(row, prefix: "org_"),
                fingerprintRules: try row.string("fingerprint_rules"), stackTraceRules: try row.string("stack_trace_rules"),
                groupingRulesUpdatedAt: try row.optionalDate("grouping_rules_updated_at"))
        }
        return result
    }

    static func projectScrubbing(_ row: PGRow) throws -> DataScrubbingRow {
        DataScrubbingRow(scrubData: try row.bool("scrub_data"), scrubDefaults: try row.bool("scrub_defaults"),
                         scrubIPAddresses: try row.bool("scrub_ip_addresses"), sensitiveFields: try textArray(row, "sensitive"),
                         safeFields: try textArray(row, "safe"), piiConfig: try row.string("pii_config"))
    }

    static func organizationScrubbing(_ row: PGRow, prefix: String) throws -> DataScrubbingRow {
        DataScrubbingRow(scrubData: try row.bool("require_scrub_data"), scrubDefaults: try row.bool("require_scrub_defaults"),
                         scrubIPAddresses: try row.bool("require_scrub_ip_addresses"),
                         sensitiveFields: try textArray(row, prefix + "sensitive"), safeFields: try textArray(row, prefix + "safe"),
                         piiConfig: try row.string(prefix + "pii_config"))
    }

    /// A `text[]` read as JSON (`to_json(…)::text`), so names with spaces or commas survive.
    static func textArray(_ row: PGRow, _ column: String) throws -> [String] {
        guard case .array(let items) = try JSON.parse(try row.string(column)) else { return [] }
        return items.compactMap(\.string)
    }

    /// A project's own scrubbing settings.
    public func projectScrubbing(organization: String, project: String) throws -> DataScrubbingRow {
        let rows = try db.query("""
            SELECT p.scrub_data, p.scrub_defaults, p.scrub_ip_addresses, to_json(p.sensitive_fields)::text AS sensitive,
                   to_json(p.safe_fields)::text AS safe, p.pii_config
            FROM projects p JOIN organizations o ON o.id = p.organization_id WHERE o.slug = $1 AND p.slug = $2
            """, [organization, project])
        guard let row = rows.first else { throw StoreError.notFound("no project \(organization)/\(project)") }
        return try Self.projectScrubbing(row)
    }

    /// An organization's scrubbing settings (required of all its projects).
    public func organizationScrubbing(organization: String) throws -> DataScrubbingRow {
        let rows = try db.query("""
            SELECT require_scrub_data, require_scrub_defaults, require_scrub_ip_addresses, to_json(sensitive_fields)::text AS sensitive,
                   to_json(safe_fields)::text AS safe, pii_config
            FROM organizations WHERE slug = $1
            """, [organization])
        guard let row = rows.first else { throw StoreError.notFound("no organization \(organization)") }
        return try Self.organizationScrubbing(row, prefix: "")
    }

    public func setProjectScrubbing(organization: String, project: String, _ settings: DataScrubbingRow) throws {
        let rows = try db.query("""
            UPDATE projects p SET scrub_data = $3, scrub_defaults = $4, scrub_ip_addresses = $5, sensitive_fields = $6::text[],
                safe_fields = $7::text[], pii_config = $8
            FROM organizations o
            WHERE o.id = p.organization_id AND o.slug = $1 AND p.slug = $2
            """, [organization, project, settings.scrubData, settings.scrubDefaults, settings.scrubIPAddresses,
                  PGArray(settings.sensitiveFields), PGArray(settings.safeFields), settings.piiConfig])
        if rows.affected == 0 { throw StoreError.notFound("no project \(organization)/\(project)") }
    }

    public func setOrganizationScrubbing(organization: String, _ settings: DataScrubbingRow) throws {
        let rows = try db.query("""
            UPDATE organizations SET require_scrub_data = $2, require_scrub_defaults = $3, require_scrub_ip_addresses = $4,
                sensitive_fields = $5::text[], safe_fields = $6::text[], pii_config = $7
            WHERE slug = $1
            """, [organization, settings.scrubData, settings.scrubDefaults, settings.scrubIPAddresses,
                  PGArray(settings.sensitiveFields), PGArray(settings.safeFields), settings.piiConfig])
        if rows.affected == 0 { throw StoreError.notFound("no organization \(organization)") }
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
