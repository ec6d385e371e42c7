import EventModel
import Foundation
import Postgres

/// The one owner of `releases`, `release_projects` and `deploys`: the releases the processor
/// creates from events (the first event naming one) with their per-project counts, and the
/// reads and changes the API and sentry-cli make. Both writers insert with `ON CONFLICT`, so
/// neither loses a row.
public struct ReleaseRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    // MARK: Writes from the processor

    /// The events of a batch naming one release in one project.
    public struct EventSpan: Sendable, Equatable {
        public var projectID: Int64
        public var version: String
        public var first: Date
        public var last: Date
        public var count: Int64

        public init(projectID: Int64, version: String, first: Date, last: Date, count: Int64) {
            self.projectID = projectID
            self.version = version
            self.first = first
            self.last = last
            self.count = count
        }
    }

    /// Takes deleted events out of `release_projects`: each span's count, and a first or last
    /// event inside the span recomputed from the events left (NULL when none is left).
    public func subtract(_ spans: [EventSpan]) throws {
        guard !spans.isEmpty else { return }
        try db.query("""
            UPDATE release_projects rp SET
                event_count = GREATEST(rp.event_count - u.n, 0),
                first_event = CASE WHEN rp.first_event IS NULL OR rp.first_event < u.first THEN rp.first_event
                    ELSE (SELECT min(e.timestamp) FROM events e WHERE e.project_id = u.project_id AND e.release = u.version) END,
                last_event = CASE WHEN rp.last_event IS NULL OR rp.last_event > u.last THEN rp.last_event
                    ELSE (SELECT max(e.timestamp) FROM events e WHERE e.project_id = u.project_id AND e.release = u.version) END
            FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[]) AS u(project_id, version, first, last, n),
                 projects p, releases r
            WHERE p.id = u.project_id AND r.organization_id = p.organization_id AND r.version = u.version
              AND rp.release_id = r.id AND rp.project_id = u.project_id
            """, [PGArray(spans.map(\.projectID)), PGArray(spans.map(\.version)), PGArray(spans.map(\.first)),
                  PGArray(spans.map(\.last)), PGArray(spans.map(\.count))])
    }

    /// Creates the releases not known yet in the projects' organizations and adds the spans to
    /// `release_projects` (give them in project, then version order).
    public func record(_ spans: [EventSpan]) throws {
        let parameters: [any PGBindable] = [
            PGArray(spans.map(\.projectID)), PGArray(spans.map(\.version)),
            PGArray(spans.map(\.first)), PGArray(spans.map(\.last)), PGArray(spans.map(\.count)),
        ]
        try db.query("""
            INSERT INTO releases (organization_id, version, created_at)
            SELECT p.organization_id, u.version, min(u.first)
            FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[]) AS u(project_id, version, first, last, n)
            JOIN projects p ON p.id = u.project_id
            GROUP BY 1, 2 ORDER BY 1, 2
            ON CONFLICT (organization_id, version) DO NOTHING
            """, parameters)
        try db.query("""
            INSERT INTO release_projects (release_id, project_id, first_event, last_event, event_count)
            SELECT r.id, u.project_id, u.first, u.last, u.n
            FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[]) AS u(project_id, version, first, last, n)
            JOIN projects p ON p.id = u.project_id
            JOIN releases r ON r.organization_id = p.organization_id AND r.version = u.version
            ORDER BY r.id, u.project_id
            ON CONFLICT (release_id, project_id) DO UPDATE SET
                first_event = LEAST(release_projects.first_event, EXCLUDED.first_event),
                last_event = GREATEST(release_projects.last_event, EXCLUDED.last_event),
                event_count = LEAST(release_projects.event_count::numeric + EXCLUDED.event_count, 9223372036854775807)::bigint
            """, parameters)
    }

    /// When each of the versions was first seen in the project's organization (unknown ones are left out).
    public func firstSeen(projectID: Int64, versions: [String]) throws -> [String: Date] {
        guard !versions.isEmpty else { return [:] }
        let rows = try db.query("""
            SELECT r.version, r.created_at FROM releases r JOIN projects p ON p.organization_id = r.organization_id
            WHERE p.id = $1 AND r.version = ANY($2::text[])
            """, [projectID, PGArray(versions)])
        var found: [String: Date] = [:]
        for row in rows.rows { found[try row.string("version")] = try row.date("created_at") }
        return found
    }
}

// MARK: Reads and changes for the API

extension ReleaseRepository {
    public struct Release: Sendable {
        public let id: Int64
        public let organizationID: Int64
        public let version: String
        public let status: String
        public let ref: String?
        public let url: String?
        public let data: JSON
        public let createdAt: Date
        public let dateReleased: Date?
    }

    public struct Deploy: Sendable {
        public let id: Int64
        public let releaseID: Int64
        public let environment: String
        public let name: String?
        public let url: String?
        public let dateStarted: Date?
        public let dateFinished: Date
    }

    private static let columns = "r.id, r.organization_id, r.version, r.status, r.ref, r.url, r.data::text AS data, r.created_at, r.date_released"

    public func release(organizationID: Int64, version: String) throws -> Release? {
        try db.query("SELECT \(Self.columns) FROM releases r WHERE r.organization_id = $1 AND r.version = $2",
                     [organizationID, version]).rows.first.map(Self.release)
    }

    public func release(organizationID: Int64, id: Int64) throws -> Release? {
        try db.query("SELECT \(Self.columns) FROM releases r WHERE r.organization_id = $1 AND r.id = $2",
                     [organizationID, id]).rows.first.map(Self.release)
    }

    /// Releases with at least one of `projectIDs`, newest first; `query` matches part of the
    /// version, case-insensitively.
    public func releases(organizationID: Int64, projectIDs: [Int64], query: String?, status: String?, limit: Int,
                         offset: Int) throws -> [Release] {
        try db.query("""
            SELECT \(Self.columns) FROM releases r
            WHERE r.organization_id = $1
              AND EXISTS (SELECT 1 FROM release_projects rp WHERE rp.release_id = r.id AND rp.project_id = ANY($2::bigint[]))
              AND ($3::text IS NULL OR strpos(lower(r.version), lower($3)) > 0)
              AND ($4::text IS NULL OR r.status = $4)
            ORDER BY r.created_at DESC, r.id DESC
            LIMIT $5 OFFSET $6
            """, [organizationID, PGArray(projectIDs), query, status, limit, offset]).rows.map(Self.release)
    }

    /// Creates the release unless the organization has it; returns whether it was created.
    public func insert(organizationID: Int64, version: String, ref: String?, url: String?, dateReleased: Date?,
                       status: String?) throws -> Bool {
        !(try db.query("""
            INSERT INTO releases (organization_id, version, ref, url, date_released, status)
            VALUES ($1, $2, $3, $4, $5, coalesce($6, 'open'))
            ON CONFLICT (organization_id, version) DO NOTHING
            RETURNING id
            """, [organizationID, version, ref, url, dateReleased, status]).isEmpty)
    }

    public func setStatus(organizationID: Int64, version: String, status: String) throws {
        try db.query("UPDATE releases SET status = $3 WHERE organization_id = $1 AND version = $2 AND status <> $3",
                     [organizationID, version, status])
    }

    /// Adds the projects the release does not have yet; returns how many were added.
    public func addProjects(releaseID: Int64, projectIDs: [Int64]) throws -> Int {
        try db.query("""
            INSERT INTO release_projects (release_id, project_id)
            SELECT $1, p FROM unnest($2::bigint[]) AS p ORDER BY p
            ON CONFLICT (release_id, project_id) DO NOTHING
            RETURNING project_id
            """, [releaseID, PGArray(Array(Set(projectIDs)).sorted())]).count
    }

    /// Sets the fields given (nil keeps one as it is).
    public func update(releaseID: Int64, ref: String?, url: String?, dateReleased: Date?, status: String?) throws {
        try db.query("""
            UPDATE releases SET ref = coalesce($2, ref), url = coalesce($3, url),
                date_released = coalesce($4, date_released), status = coalesce($5, status)
            WHERE id = $1
            """, [releaseID, ref, url, dateReleased, status])
    }

    /// Deletes the release with its project rows and deploys (cascade).
    public func delete(releaseID: Int64) throws {
        try db.query("DELETE FROM releases WHERE id = $1", [releaseID])
    }

    public func deploys(releaseID: Int64, limit: Int, offset: Int) throws -> [Deploy] {
        try db.query("""
            SELECT id, release_id, environment, name, url, date_started, date_finished FROM deploys
            WHERE release_id = $1 ORDER BY date_finished DESC, id DESC LIMIT $2 OFFSET $3
            """, [releaseID, limit, offset]).rows.map(Self.deploy)
    }

    public func addDeploy(releaseID: Int64, environment: String, name: String?, url: String?, dateStarted: Date?,
                          dateFinished: Date?) throws -> Deploy? {
        try db.query("""
            INSERT INTO deploys (release_id, environment, name, url, date_started, date_finished)
            VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))
            RETURNING id, release_id, environment, name, url, date_started, date_finished
            """, [releaseID, environment, name, url, dateStarted, dateFinished]).first.map(Self.deploy)
    }

    /// A project of a release, with the first and last event the processor counted in it.
    public struct ReleaseProject: Sendable {
        public let releaseID: Int64
        public let projectID: Int64
        public let slug: String
        public let name: String
        public let platform: String?
        public let firstEvent: Date?
        public let lastEvent: Date?
    }

    /// The releases' projects, by release and project slug.
    public func projects(releaseIDs: [Int64]) throws -> [ReleaseProject] {
        try db.query("""
            SELECT rp.release_id, rp.first_event, rp.last_event, p.id, p.slug, p.name, p.platform
            FROM release_projects rp JOIN projects p ON p.id = rp.project_id
            WHERE rp.release_id = ANY($1::bigint[]) ORDER BY rp.release_id, p.slug
            """, [PGArray(releaseIDs)]).rows.map { row in
            ReleaseProject(releaseID: try row.int("release_id"), projectID: try row.int("id"), slug: try row.string("slug"),
                           name: try row.string("name"), platform: try row.optionalString("platform"),
                           firstEvent: try row.optionalDate("first_event"), lastEvent: try row.optionalDate("last_event"))
        }
    }

    /// How many issues each release was first seen in, per release and project.
    public func newIssueCounts(releaseIDs: [Int64]) throws -> [Int64: [Int64: Int64]] {
        var counts: [Int64: [Int64: Int64]] = [:]
        for row in try db.query("""
            SELECT r.id AS release_id, i.project_id, count(*) AS n
            FROM releases r JOIN projects p ON p.organization_id = r.organization_id
            JOIN issues i ON i.project_id = p.id AND i.first_release = r.version
            WHERE r.id = ANY($1::bigint[]) GROUP BY 1, 2
            """, [PGArray(releaseIDs)]).rows {
            counts[try row.int("release_id"), default: [:]][try row.int("project_id")] = try row.int("n")
        }
        return counts
    }

    /// How many deploys each release has (releases without are left out).
    public func deployCounts(releaseIDs: [Int64]) throws -> [Int64: Int64] {
        var counts: [Int64: Int64] = [:]
        for row in try db.query("SELECT release_id, count(*) AS n FROM deploys WHERE release_id = ANY($1::bigint[]) GROUP BY 1",
                                [PGArray(releaseIDs)]).rows {
            counts[try row.int("release_id")] = try row.int("n")
        }
        return counts
    }

    /// Each release's newest deploy, by release.
    public func lastDeploys(releaseIDs: [Int64]) throws -> [Int64: Deploy] {
        var deploys: [Int64: Deploy] = [:]
        for row in try db.query("""
            SELECT DISTINCT ON (release_id) id, release_id, environment, name, url, date_started, date_finished
            FROM deploys WHERE release_id = ANY($1::bigint[]) ORDER BY release_id, date_finished DESC, id DESC
            """, [PGArray(releaseIDs)]).rows {
            let deploy = try Self.deploy(row)
            deploys[deploy.releaseID] = deploy
        }
        return deploys
    }

    private static func release(_ row: PGRow) throws -> Release {
        Release(id: try row.int("id"), organizationID: try row.int("organization_id"), version: try row.string("version"),
                status: try row.string("status"), ref: try row.optionalString("ref"), url: try row.optionalString("url"),
                data: (try? JSON.parse(try row.string("data"))) ?? .object([:]), createdAt: try row.date("created_at"),
                dateReleased: try row.optionalDate("date_released"))
    }

    private static func deploy(_ row: PGRow) throws -> Deploy {
        Deploy(id: try row.int("id"), releaseID: try row.int("release_id"), environment: try row.string("environment"),
               name: try row.optionalString("name"), url: try row.optionalString("url"),
               dateStarted: try row.optionalDate("date_started"), dateFinished: try row.date("date_finished"))
    }
}
