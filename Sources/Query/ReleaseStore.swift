import EventModel
import Foundation
import Postgres

/// Releases of an organization, their projects and deploys: reads and the changes sentry-cli
/// makes. The processor also creates releases (the first event naming one) and keeps
/// `release_projects` counts; both writers insert with `ON CONFLICT`, so neither loses a row.
struct ReleaseStore {
    let db: PGConnection

    struct Release: Sendable {
        let id: Int64
        let organizationID: Int64
        let version: String
        let status: String
        let ref: String?
        let url: String?
        let data: JSON
        let createdAt: Date
        let dateReleased: Date?
    }

    struct Page: Sendable {
        let releases: [Release]
        let hasMore: Bool
    }

    private static let columns = "r.id, r.organization_id, r.version, r.status, r.ref, r.url, r.data::text AS data, r.created_at, r.date_released"

    func release(organizationID: Int64, version: String) throws -> Release? {
        try db.query("SELECT \(Self.columns) FROM releases r WHERE r.organization_id = $1 AND r.version = $2",
                     [organizationID, version]).rows.first.map(Self.release)
    }

    /// Releases with at least one of `projectIDs`, newest first; `query` matches part of the
    /// version, case-insensitively.
    func list(organizationID: Int64, projectIDs: [Int64], query: String?, status: String?, limit: Int, offset: Int) throws -> Page {
        let rows = try db.query("""
            SELECT \(Self.columns) FROM releases r
            WHERE r.organization_id = $1
              AND EXISTS (SELECT 1 FROM release_projects rp WHERE rp.release_id = r.id AND rp.project_id = ANY($2::bigint[]))
              AND ($3::text IS NULL OR strpos(lower(r.version), lower($3)) > 0)
              AND ($4::text IS NULL OR r.status = $4)
            ORDER BY r.created_at DESC, r.id DESC
            LIMIT $5 OFFSET $6
            """, [organizationID, PGArray(projectIDs), query, status, limit + 1, offset]).rows.map(Self.release)
        return Page(releases: Array(rows.prefix(limit)), hasMore: rows.count > limit)
    }

    /// Creates the release or finds it, then adds `projectIDs`. `created` and `addedProjects`
    /// decide between Sentry's 201 and 208. An existing release keeps its fields, except a
    /// given status (how sentry-cli archives and restores).
    func create(organizationID: Int64, _ input: ReleaseRequest.Create, projectIDs: [Int64]) throws
        -> (release: Release, created: Bool, addedProjects: Int) {
        try db.transaction { tx in
            let inserted = try tx.query("""
                INSERT INTO releases (organization_id, version, ref, url, date_released, status)
                VALUES ($1, $2, $3, $4, $5, coalesce($6, 'open'))
                ON CONFLICT (organization_id, version) DO NOTHING
                RETURNING id
                """, [organizationID, input.version, input.ref, input.url, input.dateReleased, input.status])
            let created = !inserted.isEmpty
            if !created, let status = input.status {
                try tx.query("UPDATE releases SET status = $3 WHERE organization_id = $1 AND version = $2 AND status <> $3",
                             [organizationID, input.version, status])
            }
            guard let release = try ReleaseStore(db: tx).release(organizationID: organizationID, version: input.version) else {
                throw QueryError.notFound
            }
            let added = try tx.query("""
                INSERT INTO release_projects (release_id, project_id)
                SELECT $1, p FROM unnest($2::bigint[]) AS p ORDER BY p
                ON CONFLICT (release_id, project_id) DO NOTHING
                RETURNING project_id
                """, [release.id, PGArray(Array(Set(projectIDs)).sorted())])
            return (release, created, added.count)
        }
    }

    func update(_ release: Release, _ input: ReleaseRequest.Update) throws -> Release {
        try db.query("""
            UPDATE releases SET ref = coalesce($2, ref), url = coalesce($3, url),
                date_released = coalesce($4, date_released), status = coalesce($5, status)
            WHERE id = $1
            """, [release.id, input.ref, input.url, input.dateReleased, input.status])
        return try self.release(organizationID: release.organizationID, version: release.version) ?? release
    }

    /// Whether an issue of the organization was first seen in the release: Sentry refuses to
    /// delete such a release.
    func isFirstReleaseOfAnIssue(_ release: Release) throws -> Bool {
        !(try db.query("""
            SELECT 1 FROM issues i JOIN projects p ON p.id = i.project_id
            WHERE p.organization_id = $1 AND i.first_release = $2 LIMIT 1
            """, [release.organizationID, release.version]).isEmpty)
    }

    /// Deletes the release with its project rows and deploys (cascade).
    func delete(_ release: Release) throws {
        try db.query("DELETE FROM releases WHERE id = $1", [release.id])
    }

    // MARK: Deploys

    struct Deploy: Sendable {
        let id: Int64
        let releaseID: Int64
        let environment: String
        let name: String?
        let url: String?
        let dateStarted: Date?
        let dateFinished: Date
    }

    func deploys(of release: Release, limit: Int, offset: Int) throws -> (deploys: [Deploy], hasMore: Bool) {
        let rows = try db.query("""
            SELECT id, release_id, environment, name, url, date_started, date_finished FROM deploys
            WHERE release_id = $1 ORDER BY date_finished DESC, id DESC LIMIT $2 OFFSET $3
            """, [release.id, limit + 1, offset]).rows.map(Self.deploy)
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    func addDeploy(to release: Release, _ input: ReleaseRequest.Deploy) throws -> Deploy {
        let rows = try db.query("""
            INSERT INTO deploys (release_id, environment, name, url, date_started, date_finished)
            VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))
            RETURNING id, release_id, environment, name, url, date_started, date_finished
            """, [release.id, input.environment, input.name, input.url, input.dateStarted, input.dateFinished])
        guard let row = rows.first else { throw QueryError(.internalServerError, "Internal Error") }
        return try Self.deploy(row)
    }

    // MARK: Serialization

    /// Sentry's release JSON for each release: its projects with their new issues, first and
    /// last event, deploy count and last deploy. Four queries, whatever the number of releases.
    func json(_ releases: [Release]) throws -> [ReleaseJSON] {
        guard !releases.isEmpty else { return [] }
        let ids = PGArray(releases.map(\.id))
        var projects: [Int64: [(id: Int64, slug: String, name: String, platform: String?)]] = [:]
        var firstEvent: [Int64: Date] = [:], lastEvent: [Int64: Date] = [:]
        for row in try db.query("""
            SELECT rp.release_id, rp.first_event, rp.last_event, p.id, p.slug, p.name, p.platform
            FROM release_projects rp JOIN projects p ON p.id = rp.project_id
            WHERE rp.release_id = ANY($1::bigint[]) ORDER BY rp.release_id, p.slug
            """, [ids]).rows {
            let release = try row.int("release_id")
            projects[release, default: []].append((try row.int("id"), try row.string("slug"), try row.string("name"),
                                                   try row.optionalString("platform")))
            if let first = try row.optionalDate("first_event") { firstEvent[release] = min(firstEvent[release] ?? first, first) }
            if let last = try row.optionalDate("last_event") { lastEvent[release] = max(lastEvent[release] ?? last, last) }
        }
        var newGroups: [Int64: [Int64: Int64]] = [:]
        for row in try db.query("""
            SELECT r.id AS release_id, i.project_id, count(*) AS n
            FROM releases r JOIN projects p ON p.organization_id = r.organization_id
            JOIN issues i ON i.project_id = p.id AND i.first_release = r.version
            WHERE r.id = ANY($1::bigint[]) GROUP BY 1, 2
            """, [ids]).rows {
            newGroups[try row.int("release_id"), default: [:]][try row.int("project_id")] = try row.int("n")
        }
        var deployCount: [Int64: Int64] = [:]
        for row in try db.query("SELECT release_id, count(*) AS n FROM deploys WHERE release_id = ANY($1::bigint[]) GROUP BY 1",
                                [ids]).rows {
            deployCount[try row.int("release_id")] = try row.int("n")
        }
        var lastDeploy: [Int64: Deploy] = [:]
        for row in try db.query("""
            SELECT DISTINCT ON (release_id) id, release_id, environment, name, url, date_started, date_finished
            FROM deploys WHERE release_id = ANY($1::bigint[]) ORDER BY release_id, date_finished DESC, id DESC
            """, [ids]).rows {
            let deploy = try Self.deploy(row)
            lastDeploy[deploy.releaseID] = deploy
        }
        return releases.map { release in
            let counts = newGroups[release.id] ?? [:]
            return ReleaseJSON(
                id: release.id, version: release.version, status: release.status, ref: release.ref, url: release.url,
                data: release.data, dateCreated: release.createdAt, dateReleased: release.dateReleased,
                firstEvent: firstEvent[release.id], lastEvent: lastEvent[release.id],
                newGroups: counts.values.reduce(0, +), deployCount: deployCount[release.id] ?? 0,
                lastDeploy: lastDeploy[release.id].map(DeployJSON.init),
                projects: (projects[release.id] ?? []).map { project in
                    ReleaseJSON.Project(id: project.id, slug: project.slug, name: project.name,
                                        newGroups: counts[project.id] ?? 0, platform: project.platform,
                                        platforms: project.platform.map { [$0] } ?? [])
                })
        }
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

extension DeployJSON {
    init(_ deploy: ReleaseStore.Deploy) {
        self.init(id: deploy.id, environment: deploy.environment, name: deploy.name, url: deploy.url,
                  dateStarted: deploy.dateStarted, dateFinished: deploy.dateFinished)
    }
}
