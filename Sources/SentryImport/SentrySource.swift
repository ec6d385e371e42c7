import EventModel

/// What was read from a Sentry (or Faultline) web API, checked: ids are positive 64-bit
/// numbers, strings are strings, lists are bounded. Built from the endpoints' JSON by the
/// `parse…` functions; the plan works from these, never from raw JSON.
public struct SentryOrganization: Sendable, Equatable {
    public var id: Int64
    public var slug: String
    public var name: String
    public var require2FA: Bool
    public var teams: [SentryTeam] = []
    public var projects: [SentryProject] = []
    public var members: [SentryMember] = []
    /// Parts the source would not give (e.g. members with a token lacking `member:read`).
    public var unreadable: [String] = []

    public init(id: Int64, slug: String, name: String, require2FA: Bool = false) {
        self.id = id
        self.slug = slug
        self.name = name
        self.require2FA = require2FA
    }
}

public struct SentryTeam: Sendable, Equatable {
    public var id: Int64
    public var slug: String
    public var name: String
    /// Slugs of the projects the team owns.
    public var projectSlugs: [String]
}

public struct SentryProject: Sendable, Equatable {
    public var id: Int64
    public var slug: String
    public var name: String
    public var platform: String?
    public var keys: [SentryKey] = []
    /// The built-in filters: id and its `active` (a boolean, or for legacy browsers a list).
    public var filters: [SentryFilter] = []
    /// The project's `filters:*` options (newline-separated lists, as Sentry stores them).
    public var filterOptions: [String: String] = [:]
}

public struct SentryKey: Sendable, Equatable {
    public var publicKey: String
    public var secretKey: String
    public var label: String
    public var isActive: Bool
    public var rateLimit: RateLimit?

    public struct RateLimit: Sendable, Equatable {
        public var window: Int64
        public var count: Int64
    }
}

public struct SentryFilter: Sendable, Equatable {
    public var id: String
    public var active: Bool
    /// Legacy-browser subfilters (`active` as a list).
    public var subfilters: [String]
}

public struct SentryMember: Sendable, Equatable {
    public var email: String
    public var role: String
    public var pending: Bool
    public var teamSlugs: [String]
}

/// Parsers from the endpoints' JSON to the checked types above.
public enum SentryJSON {
    /// Longest string kept from the source (names, emails, keys); longer values are refused.
    static let maxString = 4_096

    public static func organization(_ json: JSON) throws(ImportError) -> SentryOrganization {
        let object = try object(json, "organization")
        return SentryOrganization(id: try id(object["id"], "organization id"), slug: try string(object["slug"], "organization slug"),
                                  name: try optionalString(object["name"], "organization name") ?? "",
                                  require2FA: object["require2FA"]?.bool ?? false)
    }

    public static func team(_ json: JSON) throws(ImportError) -> SentryTeam {
        let object = try object(json, "team")
        var projects: [String] = []
        for project in try optionalArray(object["projects"], "team projects") {
            projects.append(try string(try self.object(project, "team project")["slug"], "team project slug"))
        }
        return SentryTeam(id: try id(object["id"], "team id"), slug: try string(object["slug"], "team slug"),
                          name: try optionalString(object["name"], "team name") ?? "", projectSlugs: projects)
    }

    /// A project from the organization's list or its details (only the details carry `options`).
    public static func project(_ json: JSON) throws(ImportError) -> SentryProject {
        let object = try object(json, "project")
        var project = SentryProject(id: try id(object["id"], "project id"), slug: try string(object["slug"], "project slug"),
                                    name: try optionalString(object["name"], "project name") ?? "",
                                    platform: try optionalString(object["platform"], "project platform"))
        if let options = object["options"]?.object {
            for (name, value) in options where name.hasPrefix("filters:") {
                // Sentry stores these lists newline-separated; some versions answer arrays.
                if let text = value.string, text.utf8.count <= 1_000_000 { project.filterOptions[name] = text }
                if let flag = value.bool { project.filterOptions[name] = flag ? "true" : "false" }
                if let list = value.array {
                    project.filterOptions[name] = list.compactMap(\.string).joined(separator: "\n")
                }
            }
        }
        return project
    }

    public static func key(_ json: JSON) throws(ImportError) -> SentryKey {
        let object = try object(json, "key")
        let publicKey = try string(object["public"], "key public")
        guard publicKey.utf8.count == 32, publicKey.utf8.allSatisfy(isHex) else {
            throw ImportError("key public part \(publicKey.prefix(40)) is not 32 hexadecimal digits")
        }
        let secret = try optionalString(object["secret"], "key secret") ?? ""
        guard secret.utf8.count <= 64, secret.utf8.allSatisfy(isHex) else { throw ImportError("key \(publicKey): secret is not hexadecimal") }
        var rateLimit: SentryKey.RateLimit?
        if let limit = object["rateLimit"], !limit.isNull {
            let fields = try self.object(limit, "key rateLimit")
            guard let window = fields["window"]?.int, let count = fields["count"]?.int else {
                throw ImportError("key \(publicKey): rateLimit without integer window and count")
            }
            rateLimit = SentryKey.RateLimit(window: window, count: count)
        }
        return SentryKey(publicKey: publicKey, secretKey: secret,
                         label: try optionalString(object["label"] ?? object["name"], "key label") ?? "Default",
                         isActive: object["isActive"]?.bool ?? true, rateLimit: rateLimit)
    }

    public static func filter(_ json: JSON) throws(ImportError) -> SentryFilter {
        let object = try object(json, "filter")
        let id = try string(object["id"], "filter id")
        switch object["active"] {
        case .bool(let active)?: return SentryFilter(id: id, active: active, subfilters: [])
        case .array(let list)?:
            let subfilters = list.prefix(100).compactMap(\.string)
            return SentryFilter(id: id, active: !subfilters.isEmpty, subfilters: subfilters)
        default: throw ImportError("filter \(id): active is neither a boolean nor a list")
        }
    }

    public static func member(_ json: JSON) throws(ImportError) -> SentryMember {
        let object = try object(json, "member")
        let email = try optionalString(object["email"], "member email") ?? ""
        let role = try optionalString(object["orgRole"] ?? object["role"], "member role") ?? ""
        var teams: [String] = []
        for team in try optionalArray(object["teams"], "member teams") {
            // Sentry lists slugs; `teamRoles` objects carry `teamSlug`.
            if let slug = team.string ?? team["slug"]?.string { teams.append(slug) }
        }
        return SentryMember(email: email, role: role, pending: object["pending"]?.bool ?? false, teamSlugs: teams)
    }

    // MARK: checked access

    static func object(_ json: JSON, _ what: String) throws(ImportError) -> [String: JSON] {
        guard let object = json.object else { throw ImportError("\(what) is not a JSON object") }
        return object
    }

    static func string(_ json: JSON?, _ what: String) throws(ImportError) -> String {
        guard let value = try optionalString(json, what) else { throw ImportError("\(what) is missing") }
        return value
    }

    static func optionalString(_ json: JSON?, _ what: String) throws(ImportError) -> String? {
        guard let json, !json.isNull else { return nil }
        guard let value = json.string else { throw ImportError("\(what) is not a string") }
        guard value.utf8.count <= maxString else { throw ImportError("\(what) is longer than \(maxString) bytes") }
        return value
    }

    static func optionalArray(_ json: JSON?, _ what: String) throws(ImportError) -> [JSON] {
        guard let json, !json.isNull else { return [] }
        guard let list = json.array else { throw ImportError("\(what) is not a list") }
        return list
    }

    /// Sentry sends ids as decimal strings (numbers in a few places): a positive 64-bit number either way.
    /// The largest id an import accepts (2⁵³, the largest integer JavaScript clients read exactly).
    static let maximumID: Int64 = 1 << 53

    static func id(_ json: JSON?, _ what: String) throws(ImportError) -> Int64 {
        let parsed: Int64?
        switch json {
        case .string(let text)?: parsed = text.utf8.count <= 19 && text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) ? Int64(text) : nil
        case .int(let value)?: parsed = value
        default: parsed = nil
        }
        guard let id = parsed, id > 0 else { throw ImportError("\(what) is not a positive 64-bit number") }
        // The id sequences are moved past imported ids: one near Int64.max would leave no room for
        // another organization, team or project on the whole installation. Sentry's ids are far below.
        guard id <= maximumID else { throw ImportError("\(what) is larger than \(maximumID)") }
        return id
    }

    static func isHex(_ byte: UInt8) -> Bool { (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) || (byte >= 65 && byte <= 70) }
}
