import Core
import EventModel
import Foundation
import Hummingbird
import Kafka
import Logging
import Metrics
import Web

/// Sentry's ingest endpoints. A request is answered 200 only after Kafka acknowledged every
/// item it accepted.
public struct IngestRoutes: Sendable {
    let producer: KafkaProducer
    let keys: KeyCache
    let topics: Topics
    let limits: RelayLimits
    let logger: Logger

    public init(producer: KafkaProducer, keys: KeyCache, topics: Topics, limits: RelayLimits = RelayLimits(), logger: Logger) {
        self.producer = producer
        self.keys = keys
        self.topics = topics
        self.limits = limits
        self.logger = logger
    }

    enum Endpoint: String { case envelope, store }

    public func add(to router: Router<FaultlineRequestContext>) {
        router.post("api/:projectID/envelope") { request, context in
            await respond(request, context, endpoint: .envelope)
        }
        router.post("api/:projectID/store") { request, context in
            await respond(request, context, endpoint: .store)
        }
    }

    private func respond(_ request: Request, _ context: FaultlineRequestContext, endpoint: Endpoint) async -> Response {
        let response: Response
        do {
            response = try await ingest(request, context, endpoint: endpoint)
        } catch let error as RelayError {
            response = error.response
        } catch {
            logger.error("relay: unexpected error: \(error)")
            response = RelayError(.internalServerError, "internal error").response
        }
        Counter(label: "faultline_relay_requests_total",
                dimensions: [("endpoint", endpoint.rawValue), ("status", String(response.status.code))]).increment()
        return response
    }

    private func ingest(_ request: Request, _ context: FaultlineRequestContext, endpoint: Endpoint) async throws -> Response {
        let received = Date()
        guard let projectID = context.parameters.get("projectID").flatMap(Int64.init) else {
            throw RelayError(.badRequest, "invalid project id in path")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limits.maxRequestBody)
        } catch {
            throw RelayError(.contentTooLarge, "request body exceeded size limit (\(limits.maxRequestBody) bytes)")
        }
        let bytes = try BodyDecoder.decode(body, encoding: request.headers[.contentEncoding], limit: limits.maxDecompressed)

        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let envelope: Envelope
        if endpoint == .store && !contentType.hasPrefix("application/x-sentry-envelope") {
            envelope = Envelope(headers: [:], items: [EnvelopeItem(headers: ["type": "event"], payload: bytes)])
        } else {
            do {
                envelope = try EnvelopeParser.parse(bytes)
            } catch {
                throw RelayError(.badRequest, error.description)
            }
        }

        let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) },
                               uniquingKeysWith: { first, _ in first })
        let auth = try AuthExtractor.extract(
            sentryAuthHeader: request.headers[.xSentryAuth],
            authorizationHeader: request.headers[.authorization], query: query, envelopeDSN: envelope.dsn)
        guard let key = try await lookup(auth.publicKey) else { throw RelayError.unknownKey(auth.publicKey) }
        guard key.isActive else { throw RelayError.disabledKey }
        guard key.projectID == projectID else { throw RelayError.wrongProject }

        let clientIP = request.headers[.xForwardedFor]?
            .split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? context.clientIP
        let plan = try IngestPlan.make(envelope, context: .init(
            projectID: projectID, keyID: key.id, received: received, clientIP: clientIP,
            sdk: auth.client ?? request.headers[.userAgent], topics: topics, limits: limits))
        try await produce(plan)
        if !plan.dropped.isEmpty {
            logger.debug("relay: dropped item types without a topic: \(plan.dropped.joined(separator: ", "))")
        }
        if let id = plan.eventID { return JSONResponse.make(.ok, ["id": id]) }
        return JSONResponse.make(.ok, bytes: Array("{}".utf8))
    }

    private func lookup(_ publicKey: String) async throws -> ProjectKeyView? {
        do {
            return try await keys.lookup(publicKey).map { ProjectKeyView(id: $0.id, projectID: $0.projectID, isActive: $0.isActive) }
        } catch {
            logger.error("relay: key lookup failed: \(error)")
            throw RelayError(.serviceUnavailable, "key store unavailable", retryAfter: 5)
        }
    }

    private func produce(_ plan: IngestPlan) async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for message in plan.messages {
                    group.addTask {
                        try await producer.send(topic: message.topic, key: message.key, value: message.value)
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            logger.warning("relay: kafka did not acknowledge: \(error)")
            throw RelayError(.serviceUnavailable, "event could not be stored: broker unavailable", retryAfter: 5)
        }
    }
}

private struct ProjectKeyView: Sendable {
    let id: Int64
    let projectID: Int64
    let isActive: Bool
}
