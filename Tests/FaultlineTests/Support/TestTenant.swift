import Postgres
import Store

/// An organization with one project, a DSN key and an all-scopes API token.
struct TestTenant {
    let project: Project
    let key: ProjectKey
    let token: String

    static func create(_ db: PGConnection, organization: String = "acme", project: String = "web") throws -> TestTenant {
        let store = AdminStore(db)
        _ = try store.createOrganization(slug: organization)
        let created = try store.createProject(organization: organization, slug: project, platform: "python")
        let key = try store.createKey(organization: organization, project: project)
        let (token, _) = try store.createToken(organization: organization, label: "test")
        return TestTenant(project: created, key: key, token: token)
    }
}
