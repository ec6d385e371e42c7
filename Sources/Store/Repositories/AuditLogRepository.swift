import EventModel
import Foundation
import Postgres

/// The audit log (`audit_log_entries`): written in the transaction of the change it records.
public struct AuditLogRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public func record(organizationID: Int64, _ actor: AuditActor, _ event: AuditEvent) throws {
        try db.query("""
            INSERT INTO audit_log_entries (organization_id, actor_user_id, actor_label, event, target_object, target_user_id,
                                           ip_address, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
            """, [organizationID, actor.userID, actor.label, event.name, event.targetObject, event.targetUserID,
                  actor.ipAddress, event.data.encodedString()])
    }

    /// The newest entries first, skipping `offset`, of one event name if given.
    public func entries(organizationID: Int64, event: String? = nil, offset: Int = 0, limit: Int = 100) throws -> [AuditEntry] {
        try db.query("""
            SELECT id, actor_user_id, actor_label, event, target_object, target_user_id, ip_address, data::text AS data, created_at
            FROM audit_log_entries
            WHERE organization_id = $1 AND ($2::text IS NULL OR event = $2)
            ORDER BY id DESC OFFSET $3 LIMIT $4
            """, [organizationID, event, Int64(max(0, offset)), Int64(max(1, min(limit, 1001)))]).rows.map { row in
            AuditEntry(id: try row.int("id"), actorUserID: try row.optionalString("actor_user_id").flatMap { Int64($0) },
                       actorLabel: try row.string("actor_label"), event: try row.string("event"),
                       targetObject: try row.optionalString("target_object").flatMap { Int64($0) },
                       targetUserID: try row.optionalString("target_user_id").flatMap { Int64($0) },
                       ipAddress: try row.optionalString("ip_address"),
                       data: (try? JSON.parse(try row.string("data"))) ?? .object([:]), createdAt: try row.date("created_at"))
        }
    }
}
