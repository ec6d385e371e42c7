import Foundation
import Postgres
import Quotas
import RelayConfig
import Store

/// What an import did: each line names the thing (`organization acme (id 4)`).
public struct ImportReport: Sendable, Equatable {
    public var created: [String] = []
    /// Already there as imported (a rerun).
    public var skipped: [String] = []
    /// Taken by something else in the target: not imported, nothing merged.
    public var refused: [String] = []
    public var notCarried: [String] = []
    /// Invitations made, with the one-time token of each link (shown once).
    public var invitations: [Invitation] = []

    public struct Invitation: Sendable, Equatable {
        public var email: String
        public var role: String
        public var token: String
    }

    public init() {}
}

/// Carries an `ImportPlan` out: one transaction per organization, rows with the source's ids
/// and slugs, keys with their public and secret parts and rate limits, teams and the projects
/// they own, filters, and members as pending invitations. What exists as imported is skipped;
/// what collides with something else is refused. Relays read keys from `project_keys` by public
/// key (their config cache forgets an unknown key within its TTL, 5 s), so imported DSNs are
/// accepted without a restart.
public struct ImportApplier {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    /// `dryRun`: everything is checked and written in a transaction that is then rolled back.
    public func apply(_ plan: ImportPlan, dryRun: Bool) throws -> ImportReport {
        var report = ImportReport()
        for organization in plan.organizations {
            report.notCarried += organization.notCarried.map { "\(organization.slug.prefix(60)): \($0)" }
            if let refusal = organization.refusal {
                report.refused.append("organization \(organization.slug.prefix(60)) (id \(organization.id)): \(refusal)")
                continue
            }
            var part = ImportReport()
            do {
                try db.transaction { tx in
                    part = try Self.apply(organization, tx)
                    if dryRun { throw RolledBack() }
                }
            } catch is RolledBack {}
            report.created += part.created
            report.skipped += part.skipped
            report.refused += part.refused
            report.invitations += part.invitations
            if !dryRun { try ImportRepository(db).advanceSequences() }
        }
        return report
    }

    struct RolledBack: Error {}

    static func apply(_ organization: ImportPlan.Organization, _ db: PGConnection) throws -> ImportReport {
        var report = ImportReport()
        let rows = ImportRepository(db)
        let name = "organization \(organization.slug) (id \(organization.id))"
        switch try rows.organization(id: organization.id, slug: organization.slug) {
        case .conflict(let why):
            report.refused.append("\(name): \(why); nothing of it is imported")
            return report
        case .same: report.skipped.append(name)
        case .absent:
            try rows.insertOrganization(id: organization.id, slug: organization.slug, name: organization.name)
            report.created.append(name)
        }
        var projectIDs: [String: Int64] = [:]
        for project in organization.projects {
            let name = "project \(organization.slug)/\(project.slug) (id \(project.id))"
            switch try rows.project(id: project.id, organizationID: organization.id, slug: project.slug) {
            case .conflict(let why):
                report.refused.append("\(name): \(why)")
                continue
            case .same: report.skipped.append(name)
            case .absent:
                try rows.insertProject(id: project.id, organizationID: organization.id, slug: project.slug,
                                       name: project.name, platform: project.platform)
                if !project.filters.isEmpty {
                    try RelayConfigStore(db).setFilters(organization: organization.slug, project: project.slug, filters: project.filters)
                }
                report.created.append(project.filters.isEmpty ? name : "\(name) with its inbound filters")
            }
            projectIDs[project.slug] = project.id
            for key in project.keys {
                let keyName = "key \(key.publicKey) of \(organization.slug)/\(project.slug)"
                switch try rows.key(publicKey: key.publicKey, projectID: project.id) {
                case .conflict(let why):
                    report.refused.append("\(keyName): \(why)")
                    continue
                case .same: report.skipped.append(keyName)
                case .absent:
                    try rows.insertKey(projectID: project.id, publicKey: key.publicKey,
                                       secretKey: key.secretKey ?? Secrets.publicKey(), label: key.label, isActive: key.isActive)
                    if let limit = key.errorLimit {
                        try RelayConfigStore(db).setRateLimit(organization: organization.slug, project: project.slug, publicKey: key.publicKey,
                                                              category: .error, windowSeconds: limit.window, maxQuantity: limit.count)
                    }
                    report.created.append(keyName + (key.errorLimit.map { " (at most \($0.count) errors per \($0.window) s)" } ?? ""))
                }
            }
        }
        let teams = TeamRepository(db)
        for team in organization.teams {
            let name = "team \(organization.slug)/\(team.slug) (id \(team.id))"
            switch try rows.team(id: team.id, organizationID: organization.id, slug: team.slug) {
            case .conflict(let why):
                report.refused.append("\(name): \(why)")
                continue
            case .same: report.skipped.append(name)
            case .absent:
                try rows.insertTeam(id: team.id, organizationID: organization.id, slug: team.slug, name: team.name)
                report.created.append(name)
            }
            for slug in team.projectSlugs {
                if let projectID = projectIDs[slug] { try teams.addProject(teamID: team.id, projectID: projectID) }
            }
        }
        let invitations = InvitationRepository(db)
        let open = Set(try invitations.pending(organizationID: organization.id).map { $0.email.lowercased() })
        for invitation in organization.invitations {
            let name = "invitation of \(invitation.email) (\(invitation.role.rawValue)) to \(organization.slug)"
            if open.contains(invitation.email.lowercased()) {
                report.skipped.append(name)
                continue
            }
            do {
                let (_, token) = try invitations.create(organizationID: organization.id, email: invitation.email, role: invitation.role,
                                                        teamSlugs: invitation.teamSlugs, invitedByUserID: nil)
                report.created.append(name)
                report.invitations.append(.init(email: invitation.email, role: invitation.role.rawValue, token: token))
            } catch let error as StoreError where error.kind == .conflict {
                report.skipped.append("\(name): \(error)")
            }
        }
        return report
    }
}
