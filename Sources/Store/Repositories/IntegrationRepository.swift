import EventModel
import Foundation
import Postgres

/// Where notifications go besides rules' own URLs: the per-project WebHooks plugin
/// (`project_plugins`) and internal integrations (`sentry_apps`).
public struct IntegrationRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public struct Plugin: Sendable, Equatable {
        public let enabled: Bool
        public let config: JSON
    }

    public func plugin(projectID: Int64, name: String) throws -> Plugin? {
        try db.query("SELECT enabled, config::text AS config FROM project_plugins WHERE project_id = $1 AND plugin = $2",
                     [projectID, name]).first.map { row in
            Plugin(enabled: try row.bool("enabled"), config: (try? JSON.parse(try row.string("config"))) ?? .object([:]))
        }
    }

    public func setPlugin(projectID: Int64, name: String, enabled: Bool, config: JSON) throws {
        try db.query("""
            INSERT INTO project_plugins (project_id, plugin, enabled, config) VALUES ($1, $2, $3, $4::jsonb)
            ON CONFLICT (project_id, plugin) DO UPDATE SET enabled = $3, config = $4::jsonb
            """, [projectID, name, enabled, config.encodedString()])
    }

    /// The URLs of the projects' enabled WebHooks plugins.
    public func webhookURLs(projectIDs: [Int64]) throws -> [Int64: [String]] {
        var urls: [Int64: [String]] = [:]
        for row in try db.query("""
            SELECT project_id, config::text AS config FROM project_plugins
            WHERE plugin = 'webhooks' AND enabled AND project_id = ANY($1::bigint[])
            """, [PGArray(projectIDs)]).rows {
            let config = (try? JSON.parse(try row.string("config"))) ?? .null
            urls[try row.int("project_id")] = (config["urls"]?.array ?? []).compactMap(\.string)
        }
        return urls
    }

    public struct SentryApp: Sendable, Equatable {
        public let id: Int64
        public let organizationID: Int64
        public let slug: String
        public let name: String
        public let webhookURL: String
        public let events: [String]
        public let clientSecret: String
        public let installationUUID: String
        public let createdAt: Date
    }

    private static let appColumns = "id, organization_id, slug, name, webhook_url, array_to_string(events, ',') AS events, client_secret, installation_uuid::text AS installation_uuid, created_at"

    private func app(_ row: PGRow) throws -> SentryApp {
        SentryApp(id: try row.int("id"), organizationID: try row.int("organization_id"), slug: try row.string("slug"),
                  name: try row.string("name"), webhookURL: try row.string("webhook_url"),
                  events: try row.string("events").split(separator: ",").map(String.init), clientSecret: try row.string("client_secret"),
                  installationUUID: try row.string("installation_uuid"), createdAt: try row.date("created_at"))
    }

    /// Creates an internal integration, installed at once; nil when the slug is taken.
    public func createSentryApp(organizationID: Int64, slug: String, name: String, webhookURL: String, events: [String],
                                clientSecret: String) throws -> SentryApp? {
        try db.query("""
            INSERT INTO sentry_apps (organization_id, slug, name, webhook_url, events, client_secret, installation_uuid)
            VALUES ($1, $2, $3, $4, $5::text[], $6, gen_random_uuid())
            ON CONFLICT (organization_id, slug) DO NOTHING RETURNING \(Self.appColumns)
            """, [organizationID, slug, name, webhookURL, PGArray(events), clientSecret]).first.map(app)
    }

    public func sentryApps(organizationID: Int64) throws -> [SentryApp] {
        try db.query("SELECT \(Self.appColumns) FROM sentry_apps WHERE organization_id = $1 ORDER BY id", [organizationID]).rows.map(app)
    }

    /// The installations, per project, of the integrations of the projects' organizations that
    /// subscribe to `resource` (`issue`, …).
    public func installations(projectIDs: [Int64], subscribedTo resource: String) throws -> [Int64: [String]] {
        var result: [Int64: [String]] = [:]
        for row in try db.query("""
            SELECT p.id AS project_id, a.installation_uuid::text AS installation_uuid
            FROM projects p JOIN sentry_apps a ON a.organization_id = p.organization_id
            WHERE p.id = ANY($1::bigint[]) AND $2 = ANY(a.events) ORDER BY a.id
            """, [PGArray(projectIDs), resource]).rows {
            result[try row.int("project_id"), default: []].append(try row.string("installation_uuid"))
        }
        return result
    }

    /// An installation by uuid (not a uuid: none).
    /// The installation, if it belongs to the organization of `projectID` (a notification of one
    /// organization never goes to, or is signed by, another's integration).
    public func sentryApp(installationUUID: String, projectID: Int64) throws -> SentryApp? {
        guard UUID(uuidString: installationUUID) != nil else { return nil }
        return try db.query("""
            SELECT \(Self.appColumns) FROM sentry_apps
            WHERE installation_uuid = $1::uuid AND organization_id = (SELECT organization_id FROM projects WHERE id = $2)
            """, [installationUUID, projectID]).first.map(app)
    }
}
