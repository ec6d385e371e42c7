import EventModel
import Foundation
import Postgres

/// The notification outbox (`alert_outbox`), its one owner. Rows are added in the transaction
/// that decided them; the deliverer holding a partition's lock takes due rows and records each
/// result.
public struct OutboxRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public struct NewMessage: Sendable {
        public var partition: Int
        public var projectID: Int64
        public var issueID: Int64?
        public var ruleID: Int64?
        public var channel: String
        public var target: String
        public var format: String
        public var subject: JSON

        public init(partition: Int, projectID: Int64, issueID: Int64?, ruleID: Int64?, channel: String, target: String,
                    format: String = "", subject: JSON) {
            self.partition = partition
            self.projectID = projectID
            self.issueID = issueID
            self.ruleID = ruleID
            self.channel = channel
            self.target = target
            self.format = format
            self.subject = subject
        }
    }

    public func enqueue(_ messages: [NewMessage]) throws {
        guard !messages.isEmpty else { return }
        try db.query("""
            INSERT INTO alert_outbox (partition, project_id, issue_id, rule_id, channel, target, format, subject)
            SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::jsonb[])
            """, [PGArray(messages.map { Int64($0.partition) }), PGArray(messages.map(\.projectID)), PGArray(messages.map(\.issueID)),
                  PGArray(messages.map(\.ruleID)), PGArray(messages.map(\.channel)), PGArray(messages.map(\.target)),
                  PGArray(messages.map(\.format)), PGArray(messages.map { $0.subject.encodedString() })])
    }

    public struct Message: Sendable, Equatable {
        public let id: Int64
        public let idempotencyKey: String
        public let projectID: Int64
        public let issueID: Int64?
        public let ruleID: Int64?
        public let channel: String
        public let target: String
        public let format: String
        public let subject: JSON
        public let state: String
        public let attempts: Int64
        public let nextAttemptAt: Date
        public let lastError: String?
        public let createdAt: Date
        public let sentAt: Date?
    }

    private static let columns = """
        id, idempotency_key::text AS idempotency_key, project_id, issue_id, rule_id, channel, target, format, subject::text AS subject,
        state, attempts, next_attempt_at, last_error, created_at, sent_at
        """

    private func message(_ row: PGRow) throws -> Message {
        Message(id: try row.int("id"), idempotencyKey: try row.string("idempotency_key"), projectID: try row.int("project_id"),
                issueID: try row.optionalInt("issue_id"), ruleID: try row.optionalInt("rule_id"), channel: try row.string("channel"),
                target: try row.string("target"), format: try row.string("format"),
                subject: (try? JSON.parse(try row.string("subject"))) ?? .null, state: try row.string("state"),
                attempts: try row.int("attempts"), nextAttemptAt: try row.date("next_attempt_at"), lastError: try row.optionalString("last_error"),
                createdAt: try row.date("created_at"), sentAt: try row.optionalDate("sent_at"))
    }

    /// Pending rows of the partitions whose time has come, oldest first.
    public func due(partitions: [Int], limit: Int) throws -> [Message] {
        try db.query("""
            SELECT \(Self.columns) FROM alert_outbox
            WHERE state = 'pending' AND partition = ANY($1::int[]) AND next_attempt_at <= now()
            ORDER BY next_attempt_at, id LIMIT $2
            """, [PGArray(partitions.map(Int64.init)), Int64(max(1, limit))]).rows.map(message)
    }

    public func markSent(ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try db.query("""
            UPDATE alert_outbox SET state = 'sent', attempts = attempts + 1, sent_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])
            """, [PGArray(ids)])
    }

    /// Records a failed attempt: tried again after `retryAfter` seconds, or dead when nil.
    public func markFailed(id: Int64, error: String, retryAfter: TimeInterval?) throws {
        try db.query("""
            UPDATE alert_outbox SET attempts = attempts + 1, last_error = $2,
                state = CASE WHEN $3::float8 IS NULL THEN 'dead' ELSE 'pending' END,
                next_attempt_at = CASE WHEN $3::float8 IS NULL THEN next_attempt_at ELSE now() + make_interval(secs => $3::float8) END
            WHERE id = $1
            """, [id, String(error.prefix(1_000)), retryAfter])
    }

    /// The project's notifications, newest first (`state` nil: all).
    public func recent(projectID: Int64, state: String?, limit: Int) throws -> [Message] {
        try db.query("""
            SELECT \(Self.columns) FROM alert_outbox WHERE project_id = $1 AND ($2::text IS NULL OR state = $2)
            ORDER BY id DESC LIMIT $3
            """, [projectID, state, Int64(max(1, min(limit, 1_000)))]).rows.map(message)
    }

    /// Makes a dead notification pending again, at once.
    public func retry(projectID: Int64, id: Int64) throws -> Bool {
        !(try db.query("""
            UPDATE alert_outbox SET state = 'pending', next_attempt_at = now(), attempts = 0 WHERE project_id = $1 AND id = $2 AND state = 'dead'
            RETURNING id
            """, [projectID, id]).isEmpty)
    }

    /// Deletes sent notifications older than `cutoff`; dead ones stay until retried or the project goes.
    public func pruneSent(before cutoff: Date) throws -> Int {
        try db.query("DELETE FROM alert_outbox WHERE state = 'sent' AND sent_at < $1 RETURNING id", [cutoff]).count
    }
}
