import EventModel
import Foundation
import Hummingbird
import Postgres
import RelayConfig
import Store
import Web

/// `GET /api/0/` (what `sentry-cli info` checks), organizations, projects and their DSN keys.
struct OrganizationRoutes {
    let api: APIContext

    func add(to group: RouterGroup<FaultlineRequestContext>) {
        group.get("") { _, context in try index(context) }
        group.get("organizations") { _, context in try await organizations(context) }
        group.get("organizations/:org") { _, context in try await organization(context) }
        group.put("organizations/:org") { request, context in try await updateOrganization(request, context) }
        group.get("organizations/:org/projects") { _, context in try await organizationProjects(context) }
        group.get("projects") { _, context in try await allProjects(context) }
        group.get("projects/:org/:project") { _, context in try await project(context) }
        group.put("projects/:org/:project") { request, context in try await updateProject(request, context) }
        group.get("projects/:org/:project/keys") { _, context in try await keys(context) }
        group.post("projects/:org/:project/keys") { request, context in try await createKey(request, context) }
        group.put("projects/:org/:project/keys/:key") { request, context in try await updateKey(request, context) }
    }

    private func index(_ context: FaultlineRequestContext) throws -> Response {
        guard let grant = context.grant else { throw QueryError.notAuthenticated }
        struct Auth: Encodable { let scopes: [String] }
        struct User: Encodable { let id: String; let email: String }
        struct Index: Encodable { let version: String; let auth: Auth; let user: User? }
        let user = grant.userEmail.map { User(id: $0, email: $0) }
        return JSONResponse.make(.ok, Index(version: "0", auth: Auth(scopes: grant.scopes.sorted()), user: user))
    }

    private func organizations(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("org:read")
        let org = try await api.withConnection { db in
            try AdminStore(db).organization(id: grant.organizationID).map(OrganizationJSON.init)
        }
        return JSONResponse.make(.ok, org.map { [$0] } ?? [], headers: [.link: Cursor.linkHeader(
            url: "\(api.baseURL)/api/0/organizations/?", offset: 0, limit: 100, hasMore: false)])
    }

    private func organization(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("org:read")
        let slug = try context.parameters.require("org")
        let details = try await api.withConnection { [api] db in
            let org = try api.organization(grant, slug: slug, db)
            let scrubbing = try ProjectSettingsStore(db).organizationScrubbing(organization: org.slug)
            return WithDataScrubbing(base: OrganizationJSON(org), scrubbing: DataScrubbingJSON(scrubbing))
        }
        return JSONResponse.make(.ok, details)
    }

    /// Sentry's organization update, for its data-scrubbing fields (required of every project).
    private func updateOrganization(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["org:write", "org:admin"])
        let slug = try context.parameters.require("org")
        let body = try await RequestBody.object(request)
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let details = try await api.withConnection { [api] db in
            try db.transaction { tx in
                let org = try api.organization(grant, slug: slug, tx)
                let store = ProjectSettingsStore(tx)
                var scrubbing = try store.organizationScrubbing(organization: org.slug)
                if DataScrubbingJSON.touches(body) {
                    scrubbing = try DataScrubbingJSON.apply(body, to: scrubbing)
                    try store.setOrganizationScrubbing(organization: org.slug, scrubbing)
                    try AuditLogRepository(tx).record(organizationID: org.id, actor, AuditEvent(
                        "org.edit", targetObject: org.id, data: DataScrubbingJSON.auditData(body)))
                }
                return WithDataScrubbing(base: OrganizationJSON(org), scrubbing: DataScrubbingJSON(scrubbing))
            }
        }
        return JSONResponse.make(.ok, details)
    }

    private func organizationProjects(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("project:read")
        let slug = try context.parameters.require("org")
        let projects = try await api.withConnection { [api] db in try api.projects(of: try api.organization(grant, slug: slug, db), db) }
        return JSONResponse.make(.ok, projects.map(ProjectJSON.init), headers: [.link: Cursor.linkHeader(
            url: "\(api.baseURL)/api/0/organizations/\(slug)/projects/?", offset: 0, limit: 100, hasMore: false)])
    }

    private func allProjects(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("project:read")
        let projects = try await api.withConnection { [api] db -> [Project] in
            try api.projects(of: try api.organization(of: grant, db), db)
        }
        return JSONResponse.make(.ok, projects.map(ProjectJSON.init), headers: [.link: Cursor.linkHeader(
            url: "\(api.baseURL)/api/0/projects/?", offset: 0, limit: 100, hasMore: false)])
    }

    private func project(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("project:read")
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let details = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
            let scrubbing = try ProjectSettingsStore(db).projectScrubbing(organization: project.organizationSlug, project: project.slug)
            let options = FilterRoutes.options(try RelayConfigStore(db).filters(projectID: project.id))
            return WithDataScrubbing(base: ProjectJSON(project, options: options), scrubbing: DataScrubbingJSON(scrubbing))
        }
        return JSONResponse.make(.ok, details)
    }

    /// Sentry's project update, for its data-scrubbing fields.
    private func updateProject(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require(anyOf: ["project:write", "project:admin"])
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let body = try await RequestBody.object(request)
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let details = try await api.withConnection { [api] db in
            try db.transaction { tx in
                let project = try api.project(grant, organization: org, project: slug, tx)
                let store = ProjectSettingsStore(tx)
                var scrubbing = try store.projectScrubbing(organization: project.organizationSlug, project: project.slug)
                if DataScrubbingJSON.touches(body) {
                    scrubbing = try DataScrubbingJSON.apply(body, to: scrubbing)
                    try store.setProjectScrubbing(organization: project.organizationSlug, project: project.slug, scrubbing)
                    var data = DataScrubbingJSON.auditData(body).object ?? [:]
                    data["slug"] = .string(project.slug)
                    try AuditLogRepository(tx).record(organizationID: project.organizationID, actor, AuditEvent(
                        "project.edit", targetObject: project.id, data: .object(data)))
                }
                let relayConfig = RelayConfigStore(tx)
                var filters = try relayConfig.filters(projectID: project.id)
                if let changed = try FilterRoutes.applying(body, to: filters) {
                    filters = changed
                    try relayConfig.setFilters(organization: project.organizationSlug, project: project.slug, filters: filters)
                    try AuditLogRepository(tx).record(organizationID: project.organizationID, actor, AuditEvent(
                        "project.edit", targetObject: project.id, data: ["slug": .string(project.slug), "filters": "changed"]))
                }
                return WithDataScrubbing(base: ProjectJSON(project, options: FilterRoutes.options(filters)), scrubbing: DataScrubbingJSON(scrubbing))
            }
        }
        return JSONResponse.make(.ok, details)
    }

    private func keys(_ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("project:read")
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let baseURL = api.baseURL
        // Sentry shows the secret to callers who may change keys.
        let showSecret = grant.scopes.contains("project:write") || grant.scopes.contains("project:admin")
        let keys = try await api.withConnection { [api] db in
            let project = try api.project(grant, organization: org, project: slug, db)
            let limits = try RelayConfigStore(db).keyErrorLimits(projectID: project.id)
            return try AdminStore(db).keys(organization: org, project: project.slug).map {
                ProjectKeyJSON($0, baseURL: baseURL, showSecret: showSecret, rateLimit: limits[$0.id])
            }
        }
        return JSONResponse.make(.ok, keys)
    }

    private func createKey(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("project:write")
        let (org, slug) = (try context.parameters.require("org"), try context.parameters.require("project"))
        let body = try await RequestBody.object(request)
        let label = body["name"]?.string ?? "Default"
        let baseURL = api.baseURL
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let key = try await api.withConnection { [api] db in
            try db.transaction { tx -> ProjectKeyJSON in
                let project = try api.project(grant, organization: org, project: slug, tx)
                let key = try AdminStore(tx).createKey(organization: org, project: project.slug, label: label)
                try AuditLogRepository(tx).record(organizationID: project.organizationID, actor, AuditEvent(
                    "projectkey.add", targetObject: key.id, data: ["public_key": .string(key.publicKey), "project": .string(project.slug)]))
                return ProjectKeyJSON(key, baseURL: baseURL, showSecret: true)
            }
        }
        return JSONResponse.make(.created, key)
    }

    /// `{"isActive": false}` disables a key: relays refuse it within their config cache's TTL.
    private func updateKey(_ request: Request, _ context: FaultlineRequestContext) async throws -> Response {
        let grant = try context.require("project:write")
        let (org, slug, publicKey) = (try context.parameters.require("org"), try context.parameters.require("project"),
                                      try context.parameters.require("key"))
        let body = try await RequestBody.object(request)
        let baseURL = api.baseURL
        let actor = AuditActor.caller(grant, ipAddress: context.clientIP)
        let key = try await api.withConnection { [api] db in
            try db.transaction { tx -> ProjectKeyJSON in
                let project = try api.project(grant, organization: org, project: slug, tx)
                let store = AdminStore(tx)
                guard let key = try store.key(publicKey: publicKey), key.projectID == project.id else { throw QueryError.notFound }
                if let active = body["isActive"]?.bool {
                    try store.setKeyActive(publicKey: publicKey, active: active)
                    try AuditLogRepository(tx).record(organizationID: project.organizationID, actor, AuditEvent(
                        "projectkey.edit", targetObject: key.id,
                        data: ["public_key": .string(publicKey), "project": .string(project.slug), "is_active": .bool(active)]))
                }
                let limit = try RelayConfigStore(tx).keyErrorLimits(projectID: project.id)[key.id]
                return ProjectKeyJSON(try store.key(publicKey: publicKey) ?? key, baseURL: baseURL, showSecret: true, rateLimit: limit)
            }
        }
        return JSONResponse.make(.ok, key)
    }
}

struct OrganizationJSON: Encodable, Sendable {
    let id: String
    let slug: String
    let name: String
    let dateCreated: String
    let isEarlyAdopter = false
    let require2FA = false
    let status: [String: String] = ["id": "active", "name": "active"]

    init(_ organization: Organization) {
        id = String(organization.id)
        slug = organization.slug
        name = organization.name
        dateCreated = Timestamp.format(organization.createdAt)
    }
}

struct ProjectJSON: Encodable, Sendable {
    struct OrganizationRef: Encodable, Sendable { let id: String; let slug: String; let name: String }
    let id: String
    let slug: String
    let name: String
    let platform: String?
    let dateCreated: String
    let isMember = true
    let hasAccess = true
    let isBookmarked = false
    let status = "active"
    let features: [String] = []
    let organization: OrganizationRef
    /// The project details' options (the inbound filters' pattern lists); absent in lists.
    let options: [String: String]?

    init(_ project: Project) { self.init(project, options: nil) }

    init(_ project: Project, options: [String: String]?) {
        self.options = options
        id = String(project.id)
        slug = project.slug
        name = project.name
        platform = project.platform
        dateCreated = Timestamp.format(project.createdAt)
        organization = OrganizationRef(id: String(project.organizationID), slug: project.organizationSlug,
                                       name: project.organizationName)
    }
}

struct ProjectKeyJSON: Encodable, Sendable {
    struct DSNs: Encodable, Sendable { let `public`: String; let secret: String }
    struct RateLimit: Encodable, Sendable { let window: Int64; let count: Int64 }
    let id: String
    let name: String
    let label: String
    let `public`: String
    let secret: String?
    let projectId: Int64
    let isActive: Bool
    let dateCreated: String
    let dsn: DSNs
    /// Sentry's key rate limit: the key's own error limit.
    let rateLimit: RateLimit?

    /// `showSecret`: the caller may change keys (`project:write`), as Sentry shows the secret.
    init(_ key: ProjectKey, baseURL: String, showSecret: Bool, rateLimit: (window: Int64, count: Int64)? = nil) {
        id = key.publicKey
        name = key.label
        label = key.label
        self.public = key.publicKey
        let secret = showSecret ? key.secretKey : nil
        self.secret = secret
        projectId = key.projectID
        isActive = key.isActive
        dateCreated = Timestamp.format(key.createdAt)
        let dsn = DSN(baseURL: baseURL, publicKey: key.publicKey, projectID: key.projectID)?.description ?? ""
        // The legacy secret DSN: `scheme://public:secret@host/id`.
        let secretDSN = secret.map { dsn.replacingOccurrences(of: "://\(key.publicKey)@", with: "://\(key.publicKey):\($0)@") } ?? dsn
        self.dsn = DSNs(public: dsn, secret: secretDSN)
        self.rateLimit = rateLimit.map { RateLimit(window: $0.window, count: $0.count) }
    }
}
