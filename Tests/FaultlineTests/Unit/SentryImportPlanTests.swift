import EventModel
import Quotas
@testable import SentryImport
import Store
import Testing

/// The import's pure parts: parsing Sentry's answers, the plan made of them, and the `Link`
/// header that pages them.
@Suite struct SentryImportPlanTests {
    static func parse(_ text: String) throws -> JSON { try JSON.parse(text) }

    /// The documented examples, put together as the fetcher does.
    static func source() throws -> SentryOrganization {
        var organization = try SentryJSON.organization(try parse(SentryImportFixtures.organizations).array![0])
        organization.teams = try parse(SentryImportFixtures.teams).array!.map(SentryJSON.team)
        organization.projects = try parse(SentryImportFixtures.projects).array!.map(SentryJSON.project)
        let details = try SentryJSON.project(try parse(SentryImportFixtures.projectDetails))
        organization.projects[0].filterOptions = details.filterOptions
        organization.projects[0].keys = try parse(SentryImportFixtures.keys).array!.map(SentryJSON.key)
        organization.projects[0].filters = try parse(SentryImportFixtures.filters).array!.map(SentryJSON.filter)
        organization.members = try parse(SentryImportFixtures.members).array!.map(SentryJSON.member)
        return organization
    }

    @Test func documentedExamplesBecomeAPlan() throws {
        let plan = ImportPlan.make([try Self.source()])
        #expect(plan.organizations.count == 1)
        let organization = plan.organizations[0]
        #expect(organization.id == 2 && organization.slug == "the-interstellar-jurisdiction")
        #expect(organization.name == "The Interstellar Jurisdiction" && organization.refusal == nil)
        #expect(organization.teams.map(\.id) == [3, 2])
        #expect(organization.teams[1].projectSlugs == ["heart-of-gold"])
        #expect(organization.projects.map(\.id) == [6, 3])
        #expect(organization.projects[0].platform == "node-express")
        #expect(organization.projects[1].platform == nil, "an empty platform is none, not a note")

        let keys = organization.projects[0].keys
        #expect(keys.map(\.publicKey) == ["60120449b6b1d5e45f75561e6dabd80b", "a785682ddda742d7a8a4088810e67791"])
        #expect(keys[0].secretKey == "189485c3b8ccf582bf5e12c530ef8858" && keys[0].label == "Liked Pegasus" && keys[0].isActive)
        #expect(keys[0].errorLimit == SentryKey.RateLimit(window: 7200, count: 1000))
        #expect(keys[1].errorLimit == nil && !keys[1].isActive)

        let filters = organization.projects[0].filters
        #expect(filters.localhost && !filters.browserExtensions)
        #expect(filters.errorMessages == ["TypeError: *", "*ResizeObserver*"])
        #expect(filters.releases == ["1.0.*", "staging-*"])
        #expect(organization.projects[1].filters.isEmpty)

        #expect(organization.invitations == [
            .init(email: "sirpenguin@antarcticarocks.com", role: .member, teamSlugs: ["powerful-abolitionist"]),
            .init(email: "rocket@antarcticarocks.com", role: .admin, teamSlugs: ["ancient-gabelers"]),
        ])
        let notes = organization.notCarried.joined(separator: "\n")
        for expected in ["filtered-transaction filter", "legacy-browsers filter (opera, edge", "IP address filter (2 entries)",
                         "react-hydration-errors filter", "role 'billing'", "issues, events", "alert rules", "SSO"] {
            #expect(notes.contains(expected), "missing note: \(expected)\n\(notes)")
        }
        #expect(!notes.contains("web-crawlers") && !notes.contains("chunk-load-error"), "inactive filters are not notes")
    }

    @Test func hostileValuesAreClearErrors() throws {
        // Ids that don't fit, of the wrong type, or not positive.
        for id in [#""99999999999999999999""#, "true", #""-4""#, "0", #""12a""#, "1.5", "null"] {
            #expect(throws: ImportError.self) { try SentryJSON.organization(try Self.parse(#"{"id": \#(id), "slug": "a"}"#)) }
        }
        // Past 2⁵³ an id is refused: moving the id sequences there would leave no room (review finding).
        #expect(throws: ImportError.self) { try SentryJSON.organization(try Self.parse(#"{"id": "9223372036854775807", "slug": "a"}"#)) }
        #expect(try SentryJSON.organization(try Self.parse(#"{"id": "9007199254740992", "slug": "a"}"#)).id == 1 << 53)
        #expect(throws: ImportError.self) { try SentryJSON.team(try Self.parse(#"{"id": "1", "slug": 5}"#)) }
        #expect(throws: ImportError.self) { try SentryJSON.team(try Self.parse(#"{"id": "1", "slug": "t", "projects": {}}"#)) }
        #expect(throws: ImportError.self) { try SentryJSON.key(try Self.parse(#"{"public": "not-hex"}"#)) }
        #expect(throws: ImportError.self) {
            try SentryJSON.key(try Self.parse(#"{"public": "60120449b6b1d5e45f75561e6dabd80b", "rateLimit": {"window": "60"}}"#))
        }
        #expect(throws: ImportError.self) { try SentryJSON.filter(try Self.parse(#"{"id": "localhost", "active": "yes"}"#)) }
        #expect(throws: ImportError.self) { try SentryJSON.project(try Self.parse("[]")) }
        let long = String(repeating: "x", count: SentryJSON.maxString + 1)
        #expect(throws: ImportError.self) { try SentryJSON.project(try Self.parse(#"{"id": "1", "slug": "p", "name": "\#(long)"}"#)) }
    }

    @Test func outOfRangeThingsAreNotesNotTraps() throws {
        var organization = SentryOrganization(id: 5, slug: "acme", name: "", require2FA: true)
        var project = SentryProject(id: 7, slug: "web", name: "Web", platform: "javascript react!")
        project.keys = [SentryKey(publicKey: "60120449B6B1D5E45F75561E6DABD80B", secretKey: "", label: "k", isActive: true,
                                  rateLimit: .init(window: Int64.max, count: 5))]
        project.filterOptions["filters:error_messages"] = (0..<150).map { "m\($0)" }.joined(separator: "\n")
            + "\n" + String(repeating: "y", count: InboundFilters.maxPatternLength + 1)
        organization.projects = [project, project, SentryProject(id: 8, slug: "Bad Slug", name: "")]
        organization.teams = [SentryTeam(id: 1, slug: "t", name: "", projectSlugs: ["web", "Bad Slug", "missing"])]
        organization.members = [SentryMember(email: "not-an-address", role: "member", pending: false, teamSlugs: []),
                                SentryMember(email: "a@b.test", role: "owner", pending: false, teamSlugs: []),
                                SentryMember(email: "A@B.test", role: "owner", pending: true, teamSlugs: [])]
        let plan = ImportPlan.make([organization, organization]).organizations
        #expect(plan.count == 1, "an organization listed twice is imported once")
        let result = plan[0]
        #expect(result.name == "acme")
        #expect(result.projects.map(\.id) == [7])
        #expect(result.projects[0].platform == nil)
        #expect(result.projects[0].keys[0].publicKey == "60120449b6b1d5e45f75561e6dabd80b")
        #expect(result.projects[0].keys[0].secretKey == nil && result.projects[0].keys[0].errorLimit == nil)
        #expect(result.projects[0].filters.errorMessages.count == InboundFilters.maxPatterns)
        #expect(result.teams[0].projectSlugs == ["web"])
        #expect(result.invitations.map(\.email) == ["a@b.test"])
        let notes = result.notCarried.joined(separator: "\n")
        for expected in ["two-factor", "platform 'javascript react!'", "secret was not shown", "rate limit", "appears twice",
                         "Bad Slug", "past the first 100", "longer than 1024", "member not-an-address"] {
            #expect(notes.contains(expected), "missing note: \(expected)\n\(notes)")
        }
        let refused = ImportPlan.make([SentryOrganization(id: 1, slug: "UPPER", name: "")]).organizations[0]
        #expect(refused.refusal != nil && refused.projects.isEmpty)
    }

    @Test func linkHeaderPaging() {
        let sentry = """
            <https://sentry.io/api/0/organizations/acme/projects/?&cursor=1692896573000:0:1>; rel="previous"; results="false"; \
            cursor="1692896573000:0:1", <https://sentry.io/api/0/organizations/acme/projects/?&cursor=1692896573000:100:0>; \
            rel="next"; results="true"; cursor="1692896573000:100:0"
            """
        #expect(LinkHeader.next(sentry) == "https://sentry.io/api/0/organizations/acme/projects/?&cursor=1692896573000:100:0")
        let entries = LinkHeader.entries(sentry)
        #expect(entries.count == 2 && entries[0].parameters["rel"] == "previous" && entries[0].parameters["cursor"] == "1692896573000:0:1")
        // The last page: the next link exists but has no results.
        #expect(LinkHeader.next(sentry.replacingOccurrences(of: #"rel="next"; results="true""#, with: #"rel="next"; results="false""#)) == nil)
        // Order of parameters, spacing, unquoted values and a comma inside quotes.
        #expect(LinkHeader.next(#"<http://h/api/0/x/?cursor=a,b>;results=true ;  rel="next"; title="a, b""#) == "http://h/api/0/x/?cursor=a,b")
        // Malformed headers: no next page, no trap.
        for header in ["", "garbage", "<unterminated", #"<http://h/>; rel="next; results="true""#, "<>", ",,,", ";;;",
                       String(repeating: "<a>; rel=next, ", count: 5_000)] {
            _ = LinkHeader.entries(header)
            #expect(LinkHeader.next(header) == nil)
        }
        #expect(LinkHeader.next(nil) == nil)
    }
}
