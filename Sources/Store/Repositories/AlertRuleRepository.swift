import EventModel
import Foundation
import Postgres

/// Issue alert rules (`alert_rules`) and their state per issue (`alert_rule_issues`: last
/// firing, mutes). The definition is stored as the rules API's JSON; `Alerting.RuleCodec` reads it.
public struct AlertRuleRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public struct Row: Sendable, Equatable {
        public let id: Int64
        public let projectID: Int64
        public let name: String
        public let definition: JSON
        public let status: String
        public let snoozedUntil: Date?
        public let createdBy: Int64?
        public let createdAt: Date
    }

    private static let columns = "id, project_id, name, definition::text AS definition, status, snoozed_until, created_by, created_at"

    private func row(_ row: PGRow) throws -> Row {
        Row(id: try row.int("id"), projectID: try row.int("project_id"), name: try row.string("name"),
            definition: (try? JSON.parse(try row.string("definition"))) ?? .null, status: try row.string("status"),
            snoozedUntil: try row.optionalDate("snoozed_until"), createdBy: try row.optionalInt("created_by"),
            createdAt: try row.date("created_at"))
    }

    /// The active rules of the projects (what a batch evaluates).
    public func active(projectIDs: [Int64]) throws -> [Row] {
        try db.query("SELECT \(Self.columns) FROM alert_rules WHERE status = 'active' AND project_id = ANY($1::bigint[]) ORDER BY id",
                     [PGArray(projectIDs)]).rows.map(row)
    }

    public func list(projectID: Int64) throws -> [Row] {
        try db.query("SELECT \(Self.columns) FROM alert_rules WHERE project_id = $1 ORDER BY id", [projectID]).rows.map(row)
    }

    public func rule(projectID: Int64, id: Int64) throws -> Row? {
        try db.query("SELECT \(Self.columns) FROM alert_rules WHERE project_id = $1 AND id = $2", [projectID, id]).first.map(row)
    }

    public func create(projectID: Int64, name: String, definition: JSON, createdBy: Int64?) throws -> Row {
        guard let created = try db.query("""
            INSERT INTO alert_rules (project_id, name, definition, created_by) VALUES ($1, $2, $3::jsonb, $4)
            RETURNING \(Self.columns)
            """, [projectID, name, definition.encodedString(), createdBy]).first else { throw PGError(.query, "alert rule insert returned nothing") }
        return try row(created)
    }

    public func update(projectID: Int64, id: Int64, name: String, definition: JSON, status: String? = nil) throws -> Row? {
        try db.query("""
            UPDATE alert_rules SET name = $3, definition = $4::jsonb, status = COALESCE($5, status), updated_at = now()
            WHERE project_id = $1 AND id = $2 RETURNING \(Self.columns)
            """, [projectID, id, name, definition.encodedString(), status]).first.map(row)
    }

    public func delete(projectID: Int64, id: Int64) throws -> Bool {
        !(try db.query("DELETE FROM alert_rules WHERE project_id = $1 AND id = $2 RETURNING id", [projectID, id]).isEmpty)
    }

    /// Mutes the rule until `until` (nil: unmutes; `Date.distantFuture`: until unmuted).
    public func snooze(projectID: Int64, id: Int64, until: Date?) throws -> Bool {
        !(try db.query("UPDATE alert_rules SET snoozed_until = $3 WHERE project_id = $1 AND id = $2 RETURNING id",
                       [projectID, id, until]).isEmpty)
    }

    /// Mutes the rule for one issue until `until` (nil: unmutes).
    public func mute(projectID: Int64, ruleID: Int64, issueID: Int64, until: Date?) throws {
        try db.query("""
            INSERT INTO alert_rule_issues (project_id, rule_id, issue_id, muted_until) VALUES ($1, $2, $3, $4)
            ON CONFLICT (project_id, rule_id, issue_id) DO UPDATE SET muted_until = $4
            """, [projectID, ruleID, issueID, until])
    }

    /// Claims a firing of the rule for the issue at `now`: true when it was not muted and had not
    /// fired within `frequencyMinutes` (the claim then records `now`). Inside the batch's
    /// transaction, so a rolled-back batch leaves no claim; the row lock orders concurrent claims.
    public func claimFiring(projectID: Int64, ruleID: Int64, issueID: Int64, now: Date, frequencyMinutes: Int64) throws -> Bool {
        !(try db.query("""
            INSERT INTO alert_rule_issues AS s (project_id, rule_id, issue_id, last_fired_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (project_id, rule_id, issue_id) DO UPDATE SET last_fired_at = $4
            WHERE (s.muted_until IS NULL OR s.muted_until <= $4)
              AND (s.last_fired_at IS NULL OR s.last_fired_at <= $4 - make_interval(mins => $5::int))
            RETURNING s.rule_id
            """, [projectID, ruleID, issueID, now, frequencyMinutes]).isEmpty)
    }
}
