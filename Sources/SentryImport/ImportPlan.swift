import Foundation
import Quotas
import Store

/// What an import will create, decided from what the source answered, and what it cannot carry
/// over. Pure: `ImportPlan.make` reads checked source data and nothing else; `ImportApplier`
/// carries the plan out against the database.
public struct ImportPlan: Sendable, Equatable {
    public var organizations: [Organization]

    public struct Organization: Sendable, Equatable {
        public var id: Int64
        public var slug: String
        public var name: String
        public var teams: [Team] = []
        public var projects: [Project] = []
        public var invitations: [Invitation] = []
        /// What is not carried over, each a sentence naming the thing.
        public var notCarried: [String] = []
        /// Set: nothing of the organization can be imported, for this reason.
        public var refusal: String?
    }

    public struct Team: Sendable, Equatable {
        public var id: Int64
        public var slug: String
        public var name: String
        public var projectSlugs: [String]
    }

    public struct Project: Sendable, Equatable {
        public var id: Int64
        public var slug: String
        public var name: String
        public var platform: String?
        public var keys: [Key] = []
        public var filters = InboundFilters()
    }

    public struct Key: Sendable, Equatable {
        public var publicKey: String
        /// nil: the source did not show it; the target makes a new one.
        public var secretKey: String?
        public var label: String
        public var isActive: Bool
        /// Sentry's key rate limit: at most `count` errors per `window` seconds.
        public var errorLimit: SentryKey.RateLimit?
    }

    public struct Invitation: Sendable, Equatable {
        public var email: String
        public var role: Role
        public var teamSlugs: [String]
    }

    /// What no import carries over, said once per organization.
    public static let neverCarried = [
        "issues, events, releases, artifacts and other history are not imported (events sent after the move arrive as usual)",
        "alert rules, integrations, SSO and auth providers, dashboards, saved searches and API tokens are not imported",
        "member ids are not kept: members become pending invitations with new ids, and sign in once they accept",
    ]

    /// Filters Faultline applies, by Sentry's filter id.
    static let knownFilters: Set<String> = ["browser-extensions", "localhost"]

    public static func make(_ source: [SentryOrganization]) -> ImportPlan {
        var seen = Seen()
        return ImportPlan(organizations: source.compactMap { organization($0, &seen) })
    }

    /// Ids and slugs seen so far: a source repeating one (or pages overlapping) is not imported twice.
    struct Seen {
        var organizations: Set<Int64> = []
        var teams: Set<Int64> = []
        var projects: Set<Int64> = []
        var keys: Set<String> = []
    }

    static func organization(_ source: SentryOrganization, _ seen: inout Seen) -> Organization? {
        guard seen.organizations.insert(source.id).inserted else { return nil }
        var plan = Organization(id: source.id, slug: source.slug, name: displayName(source.name, source.slug))
        if let problem = slugProblem(source.slug) {
            plan.refusal = problem
            return plan
        }
        plan.notCarried += source.unreadable
        if source.require2FA { plan.notCarried.append("the organization requires two-factor authentication, which Faultline does not have") }

        var projectSlugs: Set<String> = []
        for project in source.projects {
            guard seen.projects.insert(project.id).inserted, projectSlugs.insert(project.slug).inserted else {
                plan.notCarried.append("project \(project.slug.prefix(60)) (id \(project.id)) appears twice in the source; imported once")
                continue
            }
            if let problem = slugProblem(project.slug) {
                plan.notCarried.append("project \(project.slug.prefix(60)) (id \(project.id)): \(problem)")
                projectSlugs.remove(project.slug)
                continue
            }
            plan.projects.append(self.project(project, &seen, notes: &plan.notCarried))
        }
        var teamSlugsSeen: Set<String> = []
        for team in source.teams {
            guard seen.teams.insert(team.id).inserted, teamSlugsSeen.insert(team.slug).inserted else { continue }
            if let problem = slugProblem(team.slug) {
                plan.notCarried.append("team \(team.slug.prefix(60)) (id \(team.id)): \(problem)")
                continue
            }
            let owned = team.projectSlugs.filter { projectSlugs.contains($0) }
            plan.teams.append(Team(id: team.id, slug: team.slug, name: displayName(team.name, team.slug), projectSlugs: owned))
        }
        let teamSlugs = Set(plan.teams.map(\.slug))
        var emails: Set<String> = []
        for member in source.members {
            let email = member.email.trimmingCharacters(in: .whitespaces)
            guard let role = Role(rawValue: member.role) else {
                plan.notCarried.append("member \(email.prefix(254)): role '\(member.role.prefix(40))' has no Faultline equivalent; not invited")
                continue
            }
            if let problem = UserRepository.emailProblem(email) {
                plan.notCarried.append("member \(email.prefix(254)): \(problem); not invited")
                continue
            }
            guard emails.insert(email.lowercased()).inserted else { continue }
            plan.invitations.append(Invitation(email: email, role: role, teamSlugs: member.teamSlugs.filter { teamSlugs.contains($0) }))
        }
        plan.notCarried += neverCarried
        return plan
    }

    static func project(_ source: SentryProject, _ seen: inout Seen, notes: inout [String]) -> Project {
        let name = "\(source.slug)"
        var platform = source.platform.flatMap { $0.isEmpty ? nil : $0 }
        if let value = platform, value.utf8.count > 64
            || !value.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 || $0 == 46 }) {
            notes.append("project \(name): platform '\(value.prefix(64))' is not one Faultline knows; left empty")
            platform = nil
        }
        var plan = Project(id: source.id, slug: source.slug, name: displayName(source.name, source.slug), platform: platform)
        for key in source.keys {
            guard seen.keys.insert(key.publicKey.lowercased()).inserted else {
                notes.append("project \(name): key \(key.publicKey) appears twice in the source; imported once")
                continue
            }
            plan.keys.append(self.key(key, project: name, notes: &notes))
        }
        plan.filters = filters(source, project: name, notes: &notes)
        return plan
    }

    static func key(_ source: SentryKey, project: String, notes: inout [String]) -> Key {
        var key = Key(publicKey: source.publicKey.lowercased(), secretKey: source.secretKey.isEmpty ? nil : source.secretKey.lowercased(),
                      label: String(source.label.prefix(200)), isActive: source.isActive, errorLimit: nil)
        if key.secretKey == nil {
            notes.append("project \(project): key \(key.publicKey)'s secret was not shown by the source (its token lacks project:write); a new secret is made")
        }
        if let limit = source.rateLimit {
            if limit.window > 0, limit.window <= Int64(Int32.max), limit.count >= 0 {
                key.errorLimit = limit
            } else if !(limit.window == 0 && limit.count == 0) {
                notes.append("project \(project): key \(key.publicKey)'s rate limit (\(limit.count) per \(limit.window) s) is out of range; not imported")
            }
        }
        return key
    }

    static func filters(_ source: SentryProject, project: String, notes: inout [String]) -> InboundFilters {
        var filters = InboundFilters()
        for filter in source.filters where filter.active {
            switch filter.id {
            case "browser-extensions": filters.browserExtensions = true
            case "localhost": filters.localhost = true
            default:
                let detail = filter.subfilters.isEmpty ? "" : " (\(filter.subfilters.prefix(20).joined(separator: ", ")))"
                notes.append("project \(project): the \(filter.id.prefix(60)) filter\(detail) is not applied by Faultline")
            }
        }
        for (option, text) in source.filterOptions.sorted(by: { $0.key < $1.key }) {
            let patterns = lines(text)
            guard !patterns.isEmpty, text != "0", text != "false", text != "False" else { continue }
            switch option {
            case "filters:error_messages": filters.errorMessages = kept(patterns, "error message", project, &notes)
            case "filters:releases": filters.releases = kept(patterns, "release", project, &notes)
            case "filters:blacklisted_ips":
                notes.append("project \(project): the IP address filter (\(patterns.count) entries) is not applied by Faultline")
            default:
                notes.append("project \(project): the \(option.dropFirst("filters:".count).prefix(60)) filter is not applied by Faultline")
            }
        }
        return filters
    }

    /// The patterns the relay will use; those it would drop are said.
    static func kept(_ patterns: [String], _ kind: String, _ project: String, _ notes: inout [String]) -> [String] {
        let short = patterns.filter { $0.utf8.count <= InboundFilters.maxPatternLength }
        if short.count < patterns.count {
            notes.append("project \(project): \(patterns.count - short.count) \(kind) filter patterns longer than \(InboundFilters.maxPatternLength) bytes are dropped")
        }
        if short.count > InboundFilters.maxPatterns {
            notes.append("project \(project): \(short.count - InboundFilters.maxPatterns) \(kind) filter patterns past the first \(InboundFilters.maxPatterns) are dropped")
        }
        return Array(short.prefix(InboundFilters.maxPatterns))
    }

    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func slugProblem(_ slug: String) -> String? {
        do { try AdminStore.validate(slug: slug); return nil } catch { return "slug is not one Faultline takes (a-z, 0-9, '-', '_', at most 50)" }
    }

    static func displayName(_ name: String, _ slug: String) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? slug : String(trimmed.prefix(200))
    }
}
