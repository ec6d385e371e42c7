import Artifacts
import Core
import EventModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Kafka
import Logging
import Postgres
import Processor
import Query
import Relay
import Spool
import Store
import Web

/// The `faultline dev` wiring inside the test process: embedded broker, relay and API routes
/// on one router, and a processor, against a fresh database.
struct InProcessStack {
    let database: TestDatabase
    let broker: EmbeddedBroker
    let producer: KafkaProducer
    let pool: PGPool
    let app: Application<RouterResponder<FaultlineRequestContext>>
    /// The routes `app` serves, for a second server in front of the same stack (only read once
    /// the routes are added, so sharing it is safe).
    nonisolated(unsafe) let router: Router<FaultlineRequestContext>
    let dsnKey: ProjectKey
    let token: String
    let projectID: Int64
    /// With `spoolDirectory`: the spool requests are written to, forwarded by `shipper`.
    let spool: Spool?
    let shipper: SpoolShipper?
    let backlog: BacklogMonitor?

    /// HTTP limits as `faultline dev` runs with, but waits for the next request of 10 minutes:
    /// HummingbirdTesting's live client holds one kept-alive connection, opened before the test
    /// body runs, and does not reconnect when the server closes it (a real client does).
    static let testHTTPLimits: HTTPLimits = {
        var limits = HTTPLimits()
        limits.headerTimeout = 600
        limits.keepAliveTimeout = 600
        return limits
    }()

    /// `limits` and `trustedProxies` default to what `faultline dev` runs with.
    /// `spool` set: requests are made durable in a spool so configured, as `faultline dev`
    /// does; the caller runs `shipper`.
    static func make(database: TestDatabase, limits: RelayLimits = RelayLimits(), trustedProxies: TrustedProxies = .none,
                     http: HTTPLimits = testHTTPLimits, spool spoolConfiguration: SpoolConfiguration? = nil,
                     artifacts: ArtifactLimits = ArtifactLimits()) throws -> InProcessStack {
        var logger = Logger(label: "stack")
        logger.logLevel = .warning
        let db = try database.connect()
        defer { db.close() }
        let tenant = try TestTenant.create(db)

        let topics = Topics()
        let broker = try EmbeddedBroker()
        for topic in topics.all { try broker.createTopic(TopicSpec(name: topic, partitions: 4)) }
        let kafka = KafkaConfig(bootstrapServers: broker.bootstrapServers)
        let producer = try KafkaProducer(config: kafka.adding(EmbeddedBroker.producerProperties), logger: logger)
        let pool = PGPool(url: database.url, size: 4)
        let processor = ProcessorService(
            settings: .init(kafka: KafkaConfig(bootstrapServers: broker.bootstrapServers, properties: ["fetch.wait.max.ms": "20"]), databaseURL: database.url, group: "faultline-processor",
                            topics: topics,
                            batchSize: 500, drainOnStop: true),
            logger: logger)
        let router = Router(context: FaultlineRequestContext.self)
        var spool: Spool?
        var shipper: SpoolShipper?
        var backlog: BacklogMonitor?
        if let spoolConfiguration {
            backlog = try BacklogMonitor.startIfEmbedded(kafka: kafka, group: "faultline-processor",
                                                         topics: ProcessorTopics.consumed(topics), databaseURL: database.url, logger: logger)
            let opened = try Spool.open(spoolConfiguration, logger: logger)
            spool = opened
            shipper = SpoolShipper(spool: opened, producer: producer, consumedTopics: ProcessorTopics.consumed(topics),
                                   backlog: backlog, releaseInterval: .milliseconds(100),
                                   recordRelease: SpoolShipper.recordingRelease(of: opened, in: pool), logger: logger)
        }
        IngestRoutes(producer: producer, pool: pool, topics: topics, limits: limits, trustedProxies: trustedProxies,
                     backlog: backlog, spool: spool, logger: logger).add(to: router)
        APIRoutes(pool: pool, baseURL: "http://127.0.0.1", artifacts: artifacts).add(to: router)
        let app = Application(router: router, server: HTTPServerSetup.server(http),
                              configuration: HTTPServerSetup.configuration(host: "127.0.0.1", port: 0, limits: http, logger: logger,
                                                                           serverName: nil),
                              services: [processor], logger: logger)
        return InProcessStack(database: database, broker: broker, producer: producer, pool: pool, app: app, router: router,
                              dsnKey: tenant.key, token: tenant.token, projectID: tenant.project.id,
                              spool: spool, shipper: shipper, backlog: backlog)
    }

    func dsn(port: Int) -> String { "http://\(dsnKey.publicKey)@127.0.0.1:\(port)/\(projectID)" }

    /// Posts `body` to this project's envelope endpoint with the DSN key; the answer's status.
    func postEnvelope(_ client: some TestClientProtocol, _ body: String) async throws -> HTTPResponse.Status {
        let auth: HTTPFields = [.init("X-Sentry-Auth")!: "Sentry sentry_key=\(dsnKey.publicKey), sentry_version=7"]
        return try await client.execute(uri: "/api/\(projectID)/envelope/", method: .post, headers: auth,
                                        body: ByteBuffer(string: body)).status
    }

    func shutdown() async {
        backlog?.stop()
        spool?.close()
        producer.close()
        broker.shutdown()
        await pool.shutdown()
    }
}
