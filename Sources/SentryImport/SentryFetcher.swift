import EventModel

/// Reads what an import needs from the source, organization by organization: the organization,
/// its teams (with the projects they own), projects (details: platform, filter options), each
/// project's keys and filters, and members. Parts the token may not read (403/404) are noted
/// rather than fatal; anything else wrong stops the import.
public struct SentryFetcher: Sendable {
    let client: SentryAPIClient

    public init(client: SentryAPIClient) { self.client = client }

    /// Every organization the token sees, or just `only`.
    public func fetch(only: String? = nil) async throws(ImportError) -> [SentryOrganization] {
        var organizations: [SentryOrganization] = []
        if let only {
            guard let json = try await client.object(["organizations", only]) else {
                throw ImportError("the source has no organization \(only) this token may read")
            }
            organizations.append(try SentryJSON.organization(json))
        } else {
            guard let list = try await client.list(["organizations"]) else { throw ImportError("the source refused to list organizations") }
            for json in list { organizations.append(try SentryJSON.organization(json)) }
        }
        var result: [SentryOrganization] = []
        for organization in organizations { result.append(try await fill(organization)) }
        return result
    }

    func fill(_ organization: SentryOrganization) async throws(ImportError) -> SentryOrganization {
        var organization = organization
        try SentryJSON.checkSegment(organization.slug, "organization slug")
        let slug = organization.slug
        if let teams = try await client.list(["organizations", slug, "teams"]) {
            for json in teams { organization.teams.append(try SentryJSON.team(json)) }
        } else {
            organization.unreadable.append("teams: the source refused to list them (the token needs team:read)")
        }
        guard let projects = try await client.list(["organizations", slug, "projects"]) else {
            throw ImportError("the source refused to list the projects of \(slug) (the token needs project:read)")
        }
        for json in projects {
            var project = try SentryJSON.project(json)
            try SentryJSON.checkSegment(project.slug, "project slug")
            if let details = try await client.object(["projects", slug, project.slug]) {
                let detailed = try SentryJSON.project(details)
                project.platform = detailed.platform
                project.filterOptions = detailed.filterOptions
            }
            guard let keys = try await client.list(["projects", slug, project.slug, "keys"]) else {
                throw ImportError("the source refused to list the keys of \(slug)/\(project.slug)")
            }
            for json in keys { project.keys.append(try SentryJSON.key(json)) }
            if let filters = try await client.list(["projects", slug, project.slug, "filters"]) {
                for json in filters { project.filters.append(try SentryJSON.filter(json)) }
            } else {
                organization.unreadable.append("project \(project.slug): the source would not show its inbound filters")
            }
            organization.projects.append(project)
        }
        if let members = try await client.list(["organizations", slug, "members"]) {
            for json in members { organization.members.append(try SentryJSON.member(json)) }
        } else {
            organization.unreadable.append("members: the source refused to list them (the token needs member:read)")
        }
        return organization
    }
}

extension SentryJSON {
    /// A slug used as a path segment must be short and printable (it is percent-encoded as well).
    static func checkSegment(_ slug: String, _ what: String) throws(ImportError) {
        guard !slug.isEmpty, slug.utf8.count <= 100, slug.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw ImportError("\(what) '\(slug.prefix(40))' is not a usable path segment")
        }
    }
}
