import Postgres
import Scrubbing

/// Reads and writes projects' data-scrubbing settings.
public struct ScrubbingStore {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// Settings of each project asked for; unknown projects get the defaults.
    public func settings(projectIDs: [Int64]) throws -> [Int64: ScrubbingSettings] {
        guard !projectIDs.isEmpty else { return [:] }
        let rows = try db.query("""
            SELECT id, scrub_data, scrub_ip_addresses, array_to_string(sensitive_fields, ' ') AS fields
            FROM projects WHERE id = ANY($1::bigint[])
            """, [PGArray(projectIDs)])
        var result: [Int64: ScrubbingSettings] = [:]
        for row in rows.rows {
            result[try row.int("id")] = ScrubbingSettings(
                scrubData: try row.bool("scrub_data"), scrubIPAddresses: try row.bool("scrub_ip_addresses"),
                sensitiveFields: try row.string("fields").split(separator: " ").map(String.init))
        }
        return result
    }

    public func set(organization: String, project: String, settings: ScrubbingSettings) throws {
        let rows = try db.query("""
            UPDATE projects p SET scrub_data = $3, scrub_ip_addresses = $4, sensitive_fields = $5::text[]
            FROM organizations o
            WHERE o.id = p.organization_id AND o.slug = $1 AND p.slug = $2
            """, [organization, project, settings.scrubData, settings.scrubIPAddresses, PGArray(settings.sensitiveFields)])
        if rows.affected == 0 { throw StoreError("no project \(organization)/\(project)") }
    }
}
