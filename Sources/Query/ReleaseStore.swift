import EventModel
import Foundation
import Postgres
import Store

/// Releases of an organization, their projects and deploys for the API, through
/// `ReleaseRepository`: reads and the changes sentry-cli makes.
struct ReleaseStore {
    let db: PGConnection

    typealias Release = ReleaseRepository.Release
    typealias Deploy = ReleaseRepository.Deploy

    struct Page: Sendable {
        let releases: [Release]
        let hasMore: Bool
    }

    func release(organizationID: Int64, version: String) throws -> Release? {
        try ReleaseRepository(db).release(organizationID: organizationID, version: version)
    }

    /// Releases with at least one of `projectIDs`, newest first; `query` matches part of the
    /// version, case-insensitively.
    func list(organizationID: Int64, projectIDs: [Int64], query: String?, status: String?, limit: Int, offset: Int) throws -> Page {
        let rows = try ReleaseRepository(db).releases(organizationID: organizationID, projectIDs: projectIDs, query: query,
                                                      status: status, limit: limit + 1, offset: offset)
        return Page(releases: Array(rows.prefix(limit)), hasMore: rows.count > limit)
    }

    /// Creates the release or finds it, then adds `projectIDs`. `created` and `addedProjects`
    /// decide between Sentry's 201 and 208. An existing release keeps its fields, except a
    /// given status (how sentry-cli archives and restores).
    func create(organizationID: Int64, _ input: ReleaseRequest.Create, projectIDs: [Int64]) throws
        -> (release: Release, created: Bool, addedProjects: Int) {
        try db.transaction { tx in
            let releases = ReleaseRepository(tx)
            let created = try releases.insert(organizationID: organizationID, version: input.version, ref: input.ref, url: input.url,
                                              dateReleased: input.dateReleased, status: input.status)
            if !created, let status = input.status {
                try releases.setStatus(organizationID: organizationID, version: input.version, status: status)
            }
            guard let release = try releases.release(organizationID: organizationID, version: input.version) else {
                throw QueryError.notFound
            }
            let added = try releases.addProjects(releaseID: release.id, projectIDs: projectIDs)
            return (release, created, added)
        }
    }

    func update(_ release: Release, _ input: ReleaseRequest.Update) throws -> Release {
        try ReleaseRepository(db).update(releaseID: release.id, ref: input.ref, url: input.url, dateReleased: input.dateReleased,
                                         status: input.status)
        return try self.release(organizationID: release.organizationID, version: release.version) ?? release
    }

    /// Whether an issue of the organization was first seen in the release: Sentry refuses to
    /// delete such a release.
    func isFirstReleaseOfAnIssue(_ release: Release) throws -> Bool {
        try IssueRepository(db).anyFirstSeen(organizationID: release.organizationID, release: release.version)
    }

    /// Deletes the release with its project rows and deploys (cascade).
    func delete(_ release: Release) throws {
        try ReleaseRepository(db).delete(releaseID: release.id)
    }

    // MARK: Deploys

    func deploys(of release: Release, limit: Int, offset: Int) throws -> (deploys: [Deploy], hasMore: Bool) {
        let rows = try ReleaseRepository(db).deploys(releaseID: release.id, limit: limit + 1, offset: offset)
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    func addDeploy(to release: Release, _ input: ReleaseRequest.Deploy) throws -> Deploy {
        guard let deploy = try ReleaseRepository(db).addDeploy(
            releaseID: release.id, environment: input.environment, name: input.name, url: input.url,
            dateStarted: input.dateStarted, dateFinished: input.dateFinished) else {
            throw QueryError(.internalServerError, "Internal Error")
        }
        return deploy
    }

    // MARK: Serialization

    /// Sentry's release JSON for each release: its projects with their new issues, first and
    /// last event, deploy count and last deploy. Four queries, whatever the number of releases.
    func json(_ releases: [Release]) throws -> [ReleaseJSON] {
        guard !releases.isEmpty else { return [] }
        let repository = ReleaseRepository(db)
        let ids = releases.map(\.id)
        var projects: [Int64: [ReleaseRepository.ReleaseProject]] = [:]
        var firstEvent: [Int64: Date] = [:], lastEvent: [Int64: Date] = [:]
        for project in try repository.projects(releaseIDs: ids) {
            let release = project.releaseID
            projects[release, default: []].append(project)
            if let first = project.firstEvent { firstEvent[release] = min(firstEvent[release] ?? first, first) }
            if let last = project.lastEvent { lastEvent[release] = max(lastEvent[release] ?? last, last) }
        }
        let newGroups = try repository.newIssueCounts(releaseIDs: ids)
        let deployCount = try repository.deployCounts(releaseIDs: ids)
        let lastDeploy = try repository.lastDeploys(releaseIDs: ids)
        let commits = try CommitRepository(db).summaries(releaseIDs: ids)
        return releases.map { release in
            let counts = newGroups[release.id] ?? [:]
            var json = ReleaseJSON(
                id: release.id, version: release.version, status: release.status, ref: release.ref, url: release.url,
                data: release.data, dateCreated: release.createdAt, dateReleased: release.dateReleased,
                firstEvent: firstEvent[release.id], lastEvent: lastEvent[release.id],
                newGroups: counts.values.reduce(0, +), deployCount: deployCount[release.id] ?? 0,
                lastDeploy: lastDeploy[release.id].map(DeployJSON.init),
                projects: (projects[release.id] ?? []).map { project in
                    ReleaseJSON.Project(id: project.projectID, slug: project.slug, name: project.name,
                                        newGroups: counts[project.projectID] ?? 0, platform: project.platform,
                                        platforms: project.platform.map { [$0] } ?? [])
                })
            if let summary = commits[release.id] {
                json.commitCount = summary.count
                json.lastCommit = CommitJSON.make(summary.last)
                let author = CommitJSON.author(summary.last)
                json.authors = author.isNull ? [] : [author]
            }
            return json
        }
    }
}

extension DeployJSON {
    init(_ deploy: ReleaseStore.Deploy) {
        self.init(id: deploy.id, environment: deploy.environment, name: deploy.name, url: deploy.url,
                  dateStarted: deploy.dateStarted, dateFinished: deploy.dateFinished)
    }
}
