import Postgres

/// A transaction-scoped advisory lock per project: batch writers hold it shared, reprocessing
/// holds it exclusively for each of its chunks, so a chunk's moves never interleave with new
/// events of the same project. Taken first in every transaction, in project order.
public enum ProjectLock {
    static let lockClass: Int64 = 0x464C_5052  // "FLPR"

    public static func shared(_ projects: Set<Int64>, _ db: PGConnection) throws {
        try db.query("""
            SELECT pg_advisory_xact_lock_shared($1::int, (id % 2147483647)::int)
            FROM (SELECT id FROM unnest($2::bigint[]) AS id ORDER BY id) AS ordered
            """, [lockClass, PGArray(projects.sorted())])
    }

    public static func exclusive(_ project: Int64, _ db: PGConnection) throws {
        try db.query("SELECT pg_advisory_xact_lock($1::int, ($2 % 2147483647)::int)", [lockClass, project])
    }
}
