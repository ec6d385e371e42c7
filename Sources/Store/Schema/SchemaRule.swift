/// The one rule for growth: every table is keyed by project, or listed below with why not.
///
/// Keyed by project means: the table has a `project_id` column that is NOT NULL and is the first
/// column of at least one valid index (its primary key, a unique constraint or a plain index).
/// Then every row belongs to one project and can be found, moved or deleted per project without
/// a scan — what sharding or per-project deletion will need. Partitions count as their parent
/// (`events_YYYYMMDD` is `events`). `SchemaTests` fails when a table is neither keyed nor listed,
/// and when a listed table is gone or has become keyed (so the list only holds real exceptions).
public enum SchemaRule {
    public enum Exception: String, Sendable {
        /// Tenants and what belongs to an organization as a whole.
        case organizationLevel = "organization-level"
        /// The installation's own bookkeeping, not tenant data.
        case installation
        /// Rows of one release (an organization-level object).
        case perRelease = "per-release"
        /// Rows of one rate limit, keyed by `limit_id` (the limit holds `project_id`).
        case perRateLimit = "per-rate-limit"
        /// A person and what belongs to them (a user can belong to several organizations).
        case perUser = "per-user"
    }

    /// The tables not keyed by project. Add a table here only when it cannot hold `project_id`.
    public static let exceptions: [String: Exception] = [
        "organizations": .organizationLevel,
        "projects": .organizationLevel,
        "api_tokens": .organizationLevel,
        "releases": .organizationLevel,
        // The blob store is per organization (a quota, and no sharing across tenants); bundles
        // may serve several projects (their files are keyed by project in `artifact_files`).
        "blobs": .organizationLevel,
        "blob_usage": .organizationLevel,
        "artifact_bundles": .organizationLevel,
        "repositories": .organizationLevel,
        "schema_migrations": .installation,
        "consumer_offsets": .installation,
        // project_id is NULL for a message that names no project or could not be decoded.
        "dead_letters": .installation,
        "job_runs": .installation,
        // One row per relay spool: how far it is released (a relay serves every project).
        "spool_releases": .installation,
        "release_projects": .perRelease,
        "deploys": .perRelease,
        "release_files": .perRelease,
        "release_commits": .perRelease,
        "release_head_commits": .perRelease,
        "quota_usage": .perRateLimit,
        "users": .perUser,
        "user_sessions": .perUser,
        "password_resets": .perUser,
        "organization_members": .organizationLevel,
        "member_invitations": .organizationLevel,
        "audit_log_entries": .organizationLevel,
        "teams": .organizationLevel,
        "team_members": .organizationLevel,
        // A privacy request covers every project of the organization (and the ones created later).
        "user_erasures": .organizationLevel,
        // An internal integration serves every project of its organization.
        "sentry_apps": .organizationLevel,
    ]

    /// What the catalog says about one table (partitions excluded).
    public struct Table: Sendable, Equatable {
        public var name: String
        public var projectIDNotNull: Bool
        public var projectIDLeadsIndex: Bool

        public init(name: String, projectIDNotNull: Bool, projectIDLeadsIndex: Bool) {
            self.name = name
            self.projectIDNotNull = projectIDNotNull
            self.projectIDLeadsIndex = projectIDLeadsIndex
        }

        public var isKeyedByProject: Bool { projectIDNotNull && projectIDLeadsIndex }
    }

    /// One line per breach of the rule; empty when the schema follows it.
    public static func violations(_ tables: [Table], exceptions: [String: Exception] = exceptions) -> [String] {
        var problems: [String] = []
        for table in tables {
            switch (table.isKeyedByProject, exceptions[table.name]) {
            case (false, nil):
                let why = !table.projectIDNotNull ? "has no NOT NULL project_id" : "has no index led by project_id"
                problems.append("\(table.name) \(why): key it by project or list it in SchemaRule.exceptions")
            case (true, let exception?):
                problems.append("\(table.name) is keyed by project but listed as \(exception.rawValue): remove it from SchemaRule.exceptions")
            default:
                break
            }
        }
        let names = Set(tables.map(\.name))
        for name in exceptions.keys.sorted() where !names.contains(name) {
            problems.append("\(name) is listed in SchemaRule.exceptions but no such table exists")
        }
        return problems
    }
}
