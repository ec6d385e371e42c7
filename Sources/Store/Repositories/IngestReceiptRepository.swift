import EventModel
import Postgres

/// `ingest_receipts`: which spooled messages were already counted, so a replayed copy is not.
public struct IngestReceiptRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public struct Receipt: Hashable, Sendable {
        public let projectID: Int64
        public let receipt: IngestReceipt

        public init(projectID: Int64, receipt: IngestReceipt) {
            self.projectID = projectID
            self.receipt = receipt
        }
    }

    /// Records the receipts not seen before, inside the caller's transaction, and returns them:
    /// what is not returned was counted already (by an earlier batch or earlier in this list).
    public func claim(_ receipts: [Receipt]) throws -> Set<Receipt> {
        // Sequences are below 2^62 (the spool's bound); anything else cannot be ours.
        let usable = receipts.filter { Int64(exactly: $0.receipt.sequence) != nil }
        guard !usable.isEmpty else { return [] }
        let rows = try db.query("""
            INSERT INTO ingest_receipts (project_id, spool_id, sequence, item)
            SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::int[])
            ON CONFLICT DO NOTHING
            RETURNING project_id, spool_id::text AS spool_id, sequence, item
            """, [PGArray(usable.map(\.projectID)), PGArray(usable.map(\.receipt.spoolUUID)),
                  PGArray(usable.map { Int64($0.receipt.sequence) }), PGArray(usable.map { Int64($0.receipt.index) })])
        let byKey = Dictionary(usable.map { ("\($0.projectID) \($0.receipt.spoolUUID) \($0.receipt.sequence) \($0.receipt.index)", $0) },
                               uniquingKeysWith: { first, _ in first })
        var claimed: Set<Receipt> = []
        for row in rows.rows {
            let key = "\(try row.int("project_id")) \(try row.string("spool_id")) \(try row.int("sequence")) \(try row.int("item"))"
            if let receipt = byKey[key] { claimed.insert(receipt) }
        }
        return claimed
    }

    /// Notes that `spoolUUID`'s records up to `released` are processed (the relay, after each
    /// release): their receipts are no longer needed. Never moves backwards.
    public func recordRelease(spoolUUID: String, released: UInt64) throws {
        guard let value = Int64(exactly: released) else { return }
        try db.query("""
            INSERT INTO spool_releases AS s (spool_id, released) VALUES ($1::uuid, $2)
            ON CONFLICT (spool_id) DO UPDATE SET released = GREATEST(s.released, EXCLUDED.released), updated_at = now()
            """, [spoolUUID, value])
    }

    /// Deletes the receipts no replay can need: those of released records, and all of a spool
    /// that reported no release for `maxAgeDays` (a relay gone for good). Returns how many.
    /// Both go by the (spool, sequence) index.
    public func deleteUnneeded(maxAgeDays: Int) throws -> Int {
        let released = try db.query("""
            DELETE FROM ingest_receipts r USING spool_releases s
            WHERE r.spool_id = s.spool_id AND r.sequence <= s.released
            """).affected
        let gone = try db.query("""
            WITH gone AS (DELETE FROM spool_releases WHERE updated_at < now() - make_interval(days => $1) RETURNING spool_id)
            DELETE FROM ingest_receipts WHERE spool_id IN (SELECT spool_id FROM gone)
            """, [maxAgeDays]).affected
        return released + gone
    }
}
