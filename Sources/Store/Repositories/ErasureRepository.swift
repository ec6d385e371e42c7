import Foundation
import Postgres

/// The one owner of `user_erasures`: privacy requests (by identifier hash, never the identifier),
/// their progress, and the tombstones the processors read before storing events.
public struct ErasureRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// Where an erasure stands.
    public struct Progress: Sendable, Equatable {
        public var id: Int64
        public var cursorProjectID: Int64
        /// A UUID's text.
        public var cursorEventID: String
        public var eventsDeleted: Int64
        public var issuesDeleted: Int64
        public var deadLettersDeleted: Int64
    }

    public static let startEventID = "00000000-0000-0000-0000-000000000000"

    /// Records the request (the tombstone) or takes up an unfinished one where it stopped; a
    /// finished one is started again from the beginning (its counts keep adding up).
    public func begin(organizationID: Int64, kind: String, identifierHash: String) throws -> Progress {
        let row = try db.query("""
            INSERT INTO user_erasures (organization_id, kind, identifier_hash) VALUES ($1, $2, $3)
            ON CONFLICT (organization_id, kind, identifier_hash) DO UPDATE SET
                requested_at = now(), finished_at = NULL,
                cursor_project_id = CASE WHEN user_erasures.finished_at IS NULL THEN user_erasures.cursor_project_id ELSE 0 END,
                cursor_event_id = CASE WHEN user_erasures.finished_at IS NULL THEN user_erasures.cursor_event_id
                                       ELSE '\(Self.startEventID)'::uuid END
            RETURNING id, cursor_project_id, cursor_event_id::text AS cursor_event_id, events_deleted, issues_deleted,
                      dead_letters_deleted
            """, [organizationID, kind, identifierHash])
        guard let first = row.first else { throw PGError(.query, "user_erasures: no row returned") }
        return Progress(id: try first.int("id"), cursorProjectID: try first.int("cursor_project_id"),
                        cursorEventID: try first.string("cursor_event_id"), eventsDeleted: try first.int("events_deleted"),
                        issuesDeleted: try first.int("issues_deleted"), deadLettersDeleted: try first.int("dead_letters_deleted"))
    }

    /// Moves the cursor past what was examined and adds what was deleted (in the transaction of the deletes).
    public func advance(id: Int64, projectID: Int64, eventID: String, events: Int64, issues: Int64) throws {
        try db.query("""
            UPDATE user_erasures SET cursor_project_id = $2, cursor_event_id = $3::uuid,
                events_deleted = events_deleted + $4, issues_deleted = issues_deleted + $5
            WHERE id = $1
            """, [id, projectID, eventID, events, issues])
    }

    public func addDeadLetters(id: Int64, _ count: Int64) throws {
        try db.query("UPDATE user_erasures SET dead_letters_deleted = dead_letters_deleted + $2 WHERE id = $1", [id, count])
    }

    public func finish(id: Int64) throws {
        try db.query("UPDATE user_erasures SET finished_at = now() WHERE id = $1", [id])
    }

    /// The identifier hashes erased in the organizations of `projectIDs`, by project (only
    /// projects with any): what a processor's batch drops.
    public func tombstones(projectIDs: [Int64]) throws -> [Int64: Set<String>] {
        guard !projectIDs.isEmpty else { return [:] }
        return try db.query("""
            SELECT p.id, e.identifier_hash FROM projects p JOIN user_erasures e ON e.organization_id = p.organization_id
            WHERE p.id = ANY($1::bigint[])
            """, [PGArray(projectIDs)]).rows.reduce(into: [:]) { result, row in
            result[try row.int("id"), default: []].insert(try row.string("identifier_hash"))
        }
    }
}
