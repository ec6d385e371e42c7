import Postgres

/// Work that must run once across all processor processes, on a schedule (`JobRunner`).
public struct PeriodicJob: Sendable {
    /// Its row in `job_runs` and its `job` label in metrics.
    public let name: String
    public let schedule: JobSchedule
    /// Runs on the leader's connection; returns a one-line summary for the log and `job_runs`.
    public let run: @Sendable (PGConnection) throws -> String

    public init(name: String, schedule: JobSchedule, run: @escaping @Sendable (PGConnection) throws -> String) {
        self.name = name
        self.schedule = schedule
        self.run = run
    }
}

extension PeriodicJob {
    /// `Retention` keeping `keepDays` days, hourly (dropping a day partition is cheap; hourly
    /// runs keep the events within an hour of the limit).
    public static func retention(keepDays: Int) -> PeriodicJob {
        PeriodicJob(name: "retention", schedule: JobSchedule(interval: 3_600)) { db in
            try Retention(db).apply(keepDays: keepDays).summary
        }
    }

    /// Deletes receipts of spooled messages no replay can need, every minute: those of records
    /// their relay released (`spool_releases`), and after `maxAgeDays` those of a relay gone quiet.
    /// One receipt per outcome would otherwise pile up at the ingest rate.
    public static func receipts(maxAgeDays: Int = 7) -> PeriodicJob {
        PeriodicJob(name: "receipts", schedule: JobSchedule(interval: 60)) { db in
            "deleted \(try IngestReceiptRepository(db).deleteUnneeded(maxAgeDays: maxAgeDays)) receipts"
        }
    }

    /// Deletes dashboard sessions past their idle or absolute expiry and reset links past theirs,
    /// hourly: abandoned sessions (a browser closed without signing out) would otherwise pile up.
    public static func sessions(lifetime: SessionLifetime = .standard) -> PeriodicJob {
        PeriodicJob(name: "sessions", schedule: JobSchedule(interval: 3_600)) { db in
            let repository = SessionRepository(db)
            return "deleted \(try repository.deleteExpired(lifetime: lifetime)) sessions, \(try repository.deleteExpiredResets()) reset links"
        }
    }
}

extension PeriodicJob {
    /// The blob store's garbage collection, every 10 minutes: first artifacts past retention
    /// (bundles without a release and debug files older than `artifactRetentionDays`, 0 keeps
    /// them; a release's bundles and files go when the release is deleted), then every blob
    /// nothing references any more and nobody used for `graceSeconds` (chunks uploaded for an
    /// assembly that never came, the chunks of assembled bundles, freed files).
    public static func blobs(store: any BlobStore = PostgresBlobStore(), artifactRetentionDays: Int,
                             graceSeconds: Int = 3_600) -> PeriodicJob {
        PeriodicJob(name: "blobs", schedule: JobSchedule(interval: 600)) { db in
            var expired = (bundles: 0, debugFiles: 0)
            if artifactRetentionDays > 0 { expired = try ArtifactRepository(db).expire(olderThanDays: artifactRetentionDays) }
            let garbage = try store.collectGarbage(graceSeconds: graceSeconds, db)
            return "expired \(expired.bundles) bundles and \(expired.debugFiles) debug files, deleted \(garbage.blobs) blobs (\(garbage.bytes) bytes)"
        }
    }
}
