import Artifacts
import Hummingbird
import Postgres
import Store
import Web

/// Sentry's web API under `/api/0/`, read from the tables the processor maintains. Every route
/// authenticates a bearer token, checks its scope, and scopes the request to the token's
/// organization (`APIContext`).
public struct APIRoutes: Sendable {
    let api: APIContext

    public init(pool: PGPool, baseURL: String, artifacts: ArtifactLimits = ArtifactLimits(),
                blobs: any BlobStore = PostgresBlobStore()) {
        api = APIContext(pool: pool, baseURL: baseURL, artifacts: artifacts, blobs: blobs)
    }

    public func add(to router: Router<FaultlineRequestContext>) {
        let group = router.group("api/0").add(middleware: TokenAuthMiddleware(pool: api.pool))
        OrganizationRoutes(api: api).add(to: group)
        FilterRoutes(api: api).add(to: group)
        TokenRoutes(api: api).add(to: group)
        MemberRoutes(api: api).add(to: group)
        MemberWriteRoutes(api: api).add(to: group)
        TeamRoutes(api: api).add(to: group)
        TeamWriteRoutes(api: api).add(to: group)
        UserTokenRoutes(api: api).add(to: group)
        AuditLogRoutes(api: api).add(to: group)
        UserErasureRoutes(api: api).add(to: group)
        IssueRoutes(api: api).add(to: group)
        EventRoutes(api: api).add(to: group)
        AggregateRoutes(api: api).add(to: group)
        DeadLetterRoutes(api: api).add(to: group)
        ReleaseRoutes(api: api).add(to: group)
        StatsRoutes(api: api).add(to: group)
        ChunkUploadRoutes(api: api).add(to: group)
        AssembleRoutes(api: api).add(to: group)
        DebugFileRoutes(api: api).add(to: group)
        ReleaseFileRoutes(api: api).add(to: group)
        CommitRoutes(api: api).add(to: group)
        AlertRuleRoutes(api: api).add(to: group)
        IntegrationRoutes(api: api).add(to: group)
        UnservedRoutes().add(to: group)
    }
}
