import EventModel
import Postgres

/// The one owner of `blobs` and `blob_usage`: the PostgreSQL side of `BlobStore`. Writes of an
/// organization are serialized on its `blob_usage` row, so its quota holds under concurrent
/// uploads. The garbage collector reads the tables that reference blobs (`artifact_files`,
/// `release_files`, `debug_files`) to know what is unreferenced.
public struct BlobRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public func missing(organizationID: Int64, digests: [String]) throws -> [String] {
        guard !digests.isEmpty else { return [] }
        let rows = try db.query("""
            WITH present AS (
                UPDATE blobs SET last_used_at = now() WHERE organization_id = $1 AND sha1 = ANY($2::text[]) RETURNING sha1
            )
            SELECT u.d FROM unnest($2::text[]) WITH ORDINALITY AS u(d, n)
            WHERE u.d NOT IN (SELECT sha1 FROM present) ORDER BY u.n
            """, [organizationID, PGArray(digests)])
        var seen = Set<String>()
        return try rows.rows.map { try $0.string("d") }.filter { seen.insert($0).inserted }
    }

    public func insert(organizationID: Int64, blobs: [Blob], quotaBytes: Int64) throws {
        guard !blobs.isEmpty else { return }
        try db.transaction { tx in
            try tx.query("INSERT INTO blob_usage (organization_id) VALUES ($1) ON CONFLICT DO NOTHING", [organizationID])
            guard let used = try tx.query("SELECT bytes FROM blob_usage WHERE organization_id = $1 FOR UPDATE", [organizationID])
                .first?.int("bytes") else { throw StoreError(.inconsistent, "blob usage row vanished") }
            let existing = Set(try tx.query("SELECT sha1 FROM blobs WHERE organization_id = $1 AND sha1 = ANY($2::text[])",
                                            [organizationID, PGArray(blobs.map(\.digest))]).rows.map { try $0.string("sha1") })
            var seen = existing
            let new = blobs.filter { seen.insert($0.digest).inserted }
            let added = new.reduce(Int64(0)) { Saturating.add($0, Int64($1.bytes.count)) }
            guard Saturating.add(used, added) <= quotaBytes else {
                throw StoreError.quotaExceeded("Organization artifact storage quota exceeded: \(used) of \(quotaBytes) bytes used, "
                                               + "this upload adds \(added). Delete releases or old artifacts, or raise FAULTLINE_ARTIFACT_QUOTA_BYTES.")
            }
            for blob in new {
                try tx.query("INSERT INTO blobs (organization_id, sha1, size, data) VALUES ($1, $2, $3, $4::bytea)",
                             [organizationID, blob.digest, blob.bytes.count, PGBytes(blob.bytes)])
            }
            if !existing.isEmpty {
                try tx.query("UPDATE blobs SET last_used_at = now() WHERE organization_id = $1 AND sha1 = ANY($2::text[])",
                             [organizationID, PGArray(Array(existing))])
            }
            try tx.query("UPDATE blob_usage SET bytes = bytes + $2 WHERE organization_id = $1", [organizationID, added])
        }
    }

    /// Sizes of the blobs the organization has among `digests`.
    public func sizes(organizationID: Int64, digests: [String]) throws -> [String: Int64] {
        guard !digests.isEmpty else { return [:] }
        var sizes: [String: Int64] = [:]
        for row in try db.query("SELECT sha1, size FROM blobs WHERE organization_id = $1 AND sha1 = ANY($2::text[])",
                                [organizationID, PGArray(digests)]).rows {
            sizes[try row.string("sha1")] = try row.int("size")
        }
        return sizes
    }

    /// Reads one blob at a time, so the peak is the result plus one blob.
    public func concatenated(organizationID: Int64, digests: [String], limit: Int) throws -> [UInt8]? {
        let sizes = try sizes(organizationID: organizationID, digests: digests)
        var total: Int64 = 0
        for digest in digests {
            guard let size = sizes[digest] else { return nil }
            total = Saturating.add(total, size)
        }
        guard total <= Int64(limit) else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(Int(total))
        var cache: [String: [UInt8]] = [:]
        for digest in digests {
            if let bytes = cache[digest] {
                result += bytes
                continue
            }
            guard let row = try db.query("SELECT data FROM blobs WHERE organization_id = $1 AND sha1 = $2 AND data IS NOT NULL",
                                         [organizationID, digest]).first else { return nil }
            let bytes = try row.bytes("data")
            // The same chunk twice in one file is rare; keep only small repeats.
            if bytes.count <= 64 * 1024 && digests.count > 1 { cache[digest] = bytes }
            result += bytes
        }
        guard result.count == Int(total) else { return nil }
        return result
    }

    public func forEach(organizationID: Int64, digests: [String], _ body: ([UInt8]) throws -> Void) throws -> Bool {
        for digest in digests {
            guard let row = try db.query("SELECT data FROM blobs WHERE organization_id = $1 AND sha1 = $2 AND data IS NOT NULL",
                                         [organizationID, digest]).first else { return false }
            try body(try row.bytes("data"))
        }
        return true
    }

    public func deleteUnreferenced(graceSeconds: Int) throws -> BlobGarbage {
        let row = try db.query("""
            WITH gone AS (
                DELETE FROM blobs b
                WHERE b.last_used_at < now() - make_interval(secs => $1)
                  AND NOT EXISTS (SELECT 1 FROM artifact_files f JOIN artifact_bundles a ON a.id = f.bundle_id
                                  WHERE f.sha1 = b.sha1 AND a.organization_id = b.organization_id)
                  AND NOT EXISTS (SELECT 1 FROM release_files r JOIN releases rel ON rel.id = r.release_id
                                  WHERE r.sha1 = b.sha1 AND rel.organization_id = b.organization_id)
                  AND NOT EXISTS (SELECT 1 FROM debug_files d JOIN projects p ON p.id = d.project_id
                                  WHERE d.chunks @> ARRAY[b.sha1] AND p.organization_id = b.organization_id)
                RETURNING b.organization_id, b.size
            ), freed AS (
                SELECT organization_id, count(*) AS n, sum(size) AS bytes FROM gone GROUP BY organization_id
            ), usage AS (
                UPDATE blob_usage u SET bytes = GREATEST(0, u.bytes - f.bytes)
                FROM freed f WHERE u.organization_id = f.organization_id
            )
            SELECT coalesce(sum(n), 0)::bigint AS n, coalesce(sum(bytes), 0)::bigint AS bytes FROM freed
            """, [graceSeconds]).first
        return BlobGarbage(blobs: Int(try row?.int("n") ?? 0), bytes: try row?.int("bytes") ?? 0)
    }

    /// Bytes the organization stores.
    public func usage(organizationID: Int64) throws -> Int64 {
        try db.query("SELECT bytes FROM blob_usage WHERE organization_id = $1", [organizationID]).first?.int("bytes") ?? 0
    }
}
