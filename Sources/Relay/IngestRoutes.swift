import Core
import EventModel
import Foundation
import Hummingbird
import Kafka
import Logging
import Metrics
import Postgres
import RelayConfig
import Spool
import Store
import Quotas
import Web

/// Sentry's ingest endpoints. A request is answered 200 only once what it produces is durable:
/// with a spool, when its record (the planned messages and outcomes) is synced to disk
/// (`SpoolShipper` forwards it); without, when Kafka acknowledged every message. Every item gets
/// an outcome on the `outcomes` topic.
public struct IngestRoutes: Sendable {
    let producer: KafkaProducer
    let configs: ProjectConfigCache
    let quotas: QuotaLeaser
    let pool: PGPool
    let topics: Topics
    let limits: RelayLimits
    let logger: Logger
    /// Whose `X-Forwarded-For` names the client.
    let trustedProxies: TrustedProxies
    /// Bytes all requests together hold while reading, decoding and parsing.
    let budget: InFlightBudget
    /// Bytes read before authentication (looking for an envelope's header line), apart and
    /// small, so unauthenticated clients cannot take the budget authenticated SDKs need.
    let preAuthBudget: InFlightBudget
    /// Set when the broker is the embedded mock cluster, whose log is bounded.
    let backlog: BacklogMonitor?
    /// The write-ahead spool, when requests are made durable there (see `RelayDurability`).
    let spool: Spool?
    private let deliveryState = DependencyState()
    private let spoolRoomState = DependencyState()
    private let databaseState = DependencyState()

    public init(producer: KafkaProducer, pool: PGPool, topics: Topics, limits: RelayLimits = RelayLimits(),
                trustedProxies: TrustedProxies = .none, backlog: BacklogMonitor? = nil, spool: Spool? = nil, logger: Logger) {
        self.producer = producer
        self.spool = spool
        self.trustedProxies = trustedProxies
        budget = InFlightBudget(limit: limits.maxBytesInFlight)
        preAuthBudget = InFlightBudget(limit: limits.maxPreAuthBytesInFlight)
        self.backlog = backlog
        self.pool = pool
        configs = ProjectConfigCache(pool: pool)
        quotas = QuotaLeaser(pool: pool, logger: logger)
        self.topics = topics
        self.limits = limits
        self.logger = logger
    }

    enum Endpoint: String { case envelope, store, security, minidump }

    public func add(to router: Router<FaultlineRequestContext>) {
        let routes: [(String, Endpoint)] = [
            ("api/:projectID/envelope", .envelope), ("api/:projectID/store", .store), ("api/store", .store),
            ("api/:projectID/security", .security), ("api/:projectID/csp-report", .security),
            ("api/:projectID/minidump", .minidump),
        ]
        for (path, endpoint) in routes {
            router.post(RouterPath(path)) { request, context in await respond(request, context, endpoint) }
            router.on(RouterPath(path), method: .options) { request, _ in CORS.preflight(request) }
        }
        router.get("readyz") { _, _ in await readiness() }
    }

    private func respond(_ request: Request, _ context: FaultlineRequestContext, _ endpoint: Endpoint) async -> Response {
        var response: Response
        do {
            response = try await ingest(request, context, endpoint)
        } catch let error as RelayError {
            response = error.response
        } catch {
            logger.error("relay: unexpected error: \(error)")
            response = RelayError(.internalServerError, "internal error").response
        }
        CORS.decorate(&response, request: request)
        Counter(label: "faultline_relay_requests_total",
                dimensions: [("endpoint", endpoint.rawValue), ("status", String(response.status.code))]).increment()
        return response
    }

    private func ingest(_ request: Request, _ context: FaultlineRequestContext, _ endpoint: Endpoint) async throws -> Response {
        let received = Date()
        let pathProject = context.parameters.get("projectID")
        if let pathProject, Int64(pathProject) == nil { throw RelayError(.badRequest, "bad project path parameter") }
        let bodyLimit = endpoint == .envelope ? limits.maxEnvelopeSize
            : endpoint == .minidump ? limits.maxAttachmentsSize : limits.maxEventSize
        let encoding = request.headers[.contentEncoding]
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) },
                               uniquingKeysWith: { first, _ in first })
        // Every byte read, decoded and parsed for this request counts against the relay's budget
        // until the answer is sent.
        let reservation = BudgetReservation(budget)
        let preAuthReservation = BudgetReservation(preAuthBudget)
        defer {
            reservation.releaseAll()
            preAuthReservation.releaseAll()
        }
        var reader = RequestBodyReader(request.body, limit: bodyLimit, reservation: preAuthReservation)

        // Authenticate before spending. The key comes from the headers or the query; only when
        // neither has one, an envelope's header line is read (and decoded) on its own with a
        // small bound for its `dsn`. Nothing else of the body is read for an unknown key.
        let isEnvelope = endpoint == .envelope || (endpoint == .store && contentType.hasPrefix("application/x-sentry-envelope"))
        func authenticate(envelopeDSN: String?) throws(RelayError) -> SentryAuth {
            try AuthExtractor.extract(sentryAuthHeader: request.headers[.xSentryAuth], authorizationHeader: request.headers[.authorization],
                                      query: query, envelopeDSN: envelopeDSN)
        }
        let sniffed = isEnvelope && !AuthExtractor.hasDirectCredentials(
            sentryAuthHeader: request.headers[.xSentryAuth], authorizationHeader: request.headers[.authorization], query: query)
        let envelopeHeader = sniffed
            ? try await Self.sniffEnvelopeHeader(&reader, encoding: encoding, timeout: limits.headerLineTimeout) : nil
        let auth = try authenticate(envelopeDSN: envelopeHeader?["dsn"]?.string)
        guard AuthExtractor.isWellFormedKey(auth.publicKey) else { throw RelayError.badPublicKey }
        guard let config = try await lookup(auth.publicKey), config.key.isActive else { throw RelayError.projectID }
        let projectID = config.key.projectID
        if let pathProject, Int64(pathProject) != projectID { throw RelayError.projectID }

        try reader.chargeTo(reservation)
        let raw = try await reader.readAll()
        let bytes = try Self.decode(raw, encoding: encoding, limit: bodyLimit, reservation: reservation)
        guard !bytes.isEmpty else { throw RelayError.emptyBody }
        // The parsed copy of the payloads counts too.
        try reservation.reserve(bytes.count)
        let envelope = isEnvelope ? try Self.parseEnvelope(bytes)
            : try Self.wrap(bytes, endpoint: endpoint, contentType: contentType, query: query)
        // A `dsn` inside the envelope must still agree with the key the request was let in by.
        if isEnvelope && !sniffed, let dsn = envelope.dsn { _ = try authenticate(envelopeDSN: dsn) }

        let clientIP = trustedProxies.clientIP(peer: context.clientIP, forwardedFor: request.headers[.xForwardedFor])
        let plan = try IngestPlan.make(envelope, context: .init(
            projectID: projectID, organizationID: config.organizationID, keyID: config.key.id, received: received,
            clientIP: clientIP, sdk: auth.client ?? request.headers[.userAgent], topics: topics, limits: limits,
            filters: config.filters))

        // Before the quotas: an envelope that cannot be queued must not use up rate limits.
        if let spool {
            if !spool.hasRoom(forPayload: SpoolBatch.estimatedSize(plan.items.map(\.value.count))) { throw spoolFull(spool) }
        } else if backlog?.fullPartition != nil {
            throw RelayError(.serviceUnavailable, "failed to queue envelope", retryAfter: 1)
        }
        var active: [ActiveRateLimit] = []
        for (category, quantity) in plan.demand.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            active += await quotas.consume(config.limits, category: category, quantity: quantity, now: received)
        }
        let result = plan.finalize(limited: Set(active.flatMap(\.categories)))
        if let spool { try await append(result, to: spool) } else { try await produce(result) }

        let header = active.isEmpty ? nil : ActiveRateLimit.header(active)
        if result.fullyRateLimited && endpoint != .minidump {
            var error = RelayError.rateLimited(retryAfter: active.map(\.retryAfter).max() ?? 60)
            error.rateLimits = header
            throw error
        }
        var headers: HTTPFields = [:]
        if let header { headers[.xSentryRateLimits] = header }
        switch endpoint {
        case .security:
            return Response(status: .ok, headers: headers)
        case .minidump:
            headers[.contentType] = "text/plain"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: EventID.hyphenated(plan.eventID ?? ""))))
        case .envelope, .store:
            if let id = plan.eventID { return JSONResponse.make(.ok, bytes: JSON.object(["id": .string(id)]).encoded(), headers: headers) }
            return JSONResponse.make(.ok, bytes: Array("{}".utf8), headers: headers)
        }
    }

    /// A body that is not an envelope, wrapped in one: a store event, a security report turned
    /// into an event, or a minidump with its placeholder event.
    static func wrap(_ bytes: [UInt8], endpoint: Endpoint, contentType: String, query: [String: String]) throws -> Envelope {
        switch endpoint {
        case .security:
            let id = EventID.generate()
            let event = try SecurityReport.event(bytes, eventID: id, release: query["sentry_release"],
                                                 environment: query["sentry_environment"])
            return Envelope(headers: ["event_id": .string(id)],
                            items: [EnvelopeItem(headers: ["type": "security"], payload: event.encoded())])
        case .minidump:
            return try Minidump.envelope(bytes, contentType: contentType)
        case .store, .envelope:
            return Envelope(headers: [:], items: [EnvelopeItem(headers: ["type": "event"], payload: bytes)])
        }
    }

    static func parseEnvelope(_ bytes: [UInt8]) throws(RelayError) -> Envelope {
        do throws(EnvelopeError) {
            return try EnvelopeParser.parse(bytes)
        } catch .tooManyItems(let limit) {
            throw RelayError(.contentTooLarge, EnvelopeError.tooManyItems(limit: limit).description)
        } catch {
            throw RelayError(.badRequest, error.description)
        }
    }

    /// The envelope's header line, read from as little of the body as it takes (see
    /// `EnvelopeHeaderSniffer`). The raw body read so far stays in `reader`.
    static func sniffEnvelopeHeader(_ reader: inout RequestBodyReader, encoding: String?,
                                    timeout: Double) async throws(RelayError) -> [String: JSON] {
        let started = ContinuousClock.now
        var scannedAt = 0
        while true {
            let more = try await reader.readChunk()
            let size = reader.raw.readableBytes
            let elapsed = started.duration(to: .now) / .seconds(1)
            switch EnvelopeHeaderSniffer.step(size: size, scannedAt: scannedAt, more: more, elapsed: elapsed, timeout: timeout) {
            case .readMore: continue
            case .timedOut: throw RelayError(.requestTimeout, "timed out reading the envelope header")
            case .scan: break
            }
            scannedAt = size
            if !more && size == 0 { throw RelayError.emptyBody }
            let decoded = try BodyDecoder.decodePrefix(reader.raw, encoding: encoding, limit: EnvelopeHeaderSniffer.maxLine + 1)
            switch EnvelopeHeaderSniffer.sniff(decoded, complete: !more) {
            case .header(let headers): return headers
            case .invalid(let error): throw RelayError(.badRequest, error.description)
            case .needMore:
                if size >= EnvelopeHeaderSniffer.maxRaw {
                    throw RelayError(.badRequest, EnvelopeError.invalidHeader("not found in the first \(size) bytes").description)
                }
            }
        }
    }

    /// The decoded body, within the endpoint's limit and what the budget has room for; beyond
    /// the limit a 413, beyond the budget's room (other requests hold it) a 503. What decoding
    /// may use at most (`BodyDecoder.peakBytes` of its output cap) is reserved before it starts
    /// and what the result does not need is given back after, so concurrent bombs cannot pass
    /// the budget. The cap starts near what ordinary bodies need and grows fourfold while the
    /// output reaches it (decoding again: at most about 1.4 times the work of the last try), so
    /// an ordinary request does not hold the largest cap.
    static func decode(_ raw: ByteBuffer, encoding: String?, limit: Int, reservation: BudgetReservation) throws(RelayError) -> [UInt8] {
        guard BodyDecoder.decompresses(encoding) else {
            // Passing through: the raw bytes, already charged, plus their copy.
            guard raw.readableBytes <= limit else { throw BodyDecoder.tooLarge(limit) }
            try reservation.reserve(raw.readableBytes)
            return Array(raw.readableBytesView)
        }
        let (guess, overflow) = raw.readableBytes.multipliedReportingOverflow(by: 8)
        var cap = min(limit, max(1024 * 1024, overflow ? Int.max : guess))
        while true {
            let fitting = BodyDecoder.largestOutput(fitting: reservation.room)
            guard fitting > 0 else { throw RelayError.overloaded }
            let tryCap = min(cap, fitting)
            let peak = BodyDecoder.peakBytes(output: tryCap)
            try reservation.reserve(peak)
            do throws(RelayError) {
                let bytes = try BodyDecoder.decode(raw, encoding: encoding, limit: tryCap)
                reservation.release(peak - bytes.count)
                return bytes
            } catch {
                reservation.release(peak)
                guard error.status == .contentTooLarge else { throw error }
                if tryCap >= limit { throw error }
                if tryCap < cap { throw RelayError.overloaded }
                let (grown, overflow) = cap.multipliedReportingOverflow(by: 4)
                cap = min(limit, overflow ? Int.max : grown)
            }
        }
    }

    private func lookup(_ publicKey: String) async throws -> ProjectConfig? {
        do {
            let (config, source) = try await configs.lookupNotingSource(publicKey)
            switch source {
            case .database, .refreshing:
                if let failed = databaseState.succeeded() {
                    logger.notice("relay: PostgreSQL reachable again; project configs load (\(failed) lookups failed meanwhile)")
                }
            case .staleCache:
                noteDatabaseFailure(nil)
            case .cache:
                break
            }
            return config
        } catch is ProjectConfigCache.Busy {
            // Many made-up keys at once: not the database's fault, and not worth a lookup now.
            throw RelayError(.serviceUnavailable, "the service is overloaded", retryAfter: 1)
        } catch {
            noteDatabaseFailure(error)
            logger.debug("relay: project config lookup failed: \(error)")
            throw RelayError(.serviceUnavailable, "the service is overloaded", retryAfter: 5)
        }
    }

    private func noteDatabaseFailure(_ error: (any Error)?) {
        if databaseState.failed() {
            logger.error("relay: PostgreSQL unavailable, cannot load project configs\(error.map { " (\($0))" } ?? ""); serving cached configs up to 5 minutes old, answering 503 for keys not in the cache, until it is back")
        }
    }

    /// A full spool answers like Sentry's relay when it cannot queue: 503, try again shortly
    /// (logged once per episode; `faultline_spool_full_total` counts them).
    private func spoolFull(_ spool: Spool) -> RelayError {
        if spoolRoomState.failed() {
            logger.warning("relay: the spool is full (\(spool.stats.bytes) bytes of \(spool.configuration.maxTotalBytes)); answering 503 until the processors catch up")
        }
        return RelayError(.serviceUnavailable, "failed to queue envelope", retryAfter: 5)
    }

    /// Writes the request's messages and outcomes as one spool record and returns once it is on disk.
    private func append(_ result: IngestPlan.Outcome, to spool: Spool) async throws {
        let messages = result.messages.map { SpoolBatch.Message(topic: $0.topic, key: $0.key, value: $0.value) }
            + result.outcomes.map { SpoolBatch.Message(topic: topics.outcomes, key: nil, value: $0.encoded()) }
        guard !messages.isEmpty else { return }
        do {
            _ = try await spool.append(SpoolBatch(messages: messages).encoded())
        } catch SpoolError.full {
            throw spoolFull(spool)
        } catch {
            if deliveryState.failed() { logger.error("relay: the spool cannot take records (\(error)); answering 503") }
            throw RelayError(.serviceUnavailable, "failed to queue envelope", retryAfter: 5)
        }
        if let failed = deliveryState.succeeded() {
            logger.notice("relay: the spool takes records again (\(failed) requests were answered 503)")
        }
        if let refused = spoolRoomState.succeeded() {
            logger.notice("relay: the spool has room again (\(refused) requests were answered 503)")
        }
    }

    private func produce(_ result: IngestPlan.Outcome) async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for message in result.messages {
                    group.addTask { try await send(topic: message.topic, key: message.key, value: message.value) }
                }
                for outcome in result.outcomes {
                    group.addTask { try await send(topic: topics.outcomes, key: nil, value: outcome.encoded()) }
                }
                try await group.waitForAll()
            }
        } catch {
            if deliveryState.failed() {
                logger.error("relay: Kafka did not acknowledge (\(error)); answering 503 until it does")
            }
            logger.debug("relay: kafka did not acknowledge: \(error)")
            throw RelayError(.serviceUnavailable, "failed to queue envelope", retryAfter: 5)
        }
        if !result.messages.isEmpty || !result.outcomes.isEmpty, let failed = deliveryState.succeeded() {
            logger.notice("relay: Kafka acknowledging again (\(failed) requests were answered 503)")
        }
    }

    private func send(topic: String, key: [UInt8]?, value: [UInt8]) async throws {
        let report = try await producer.send(topic: topic, key: key, value: value)
        backlog?.noteAcknowledged(topic: topic, partition: report.partition, bytes: value.count)
    }

    /// `GET /readyz`: 200 when PostgreSQL and the broker answer, 503 naming what does not. The
    /// answer is public, so it never carries an error's text (host names, users): that goes to
    /// the log.
    private func readiness() async -> Response {
        var problems: [String] = []
        do {
            _ = try await pool.query("SELECT 1")
        } catch {
            logger.warning("relay: readiness: database unavailable: \(error)")
            problems.append("database unavailable")
        }
        if let spool {
            // With a spool the broker may be away: requests are taken while the spool has room.
            if !spool.hasRoom(forPayload: 64 * 1024) { problems.append("spool full") }
        } else if !producer.isBrokerReachable(timeoutMs: 2_000) {
            logger.warning("relay: readiness: broker unavailable (no metadata within 2 s)")
            problems.append("broker unavailable")
        }
        if problems.isEmpty { return JSONResponse.make(.ok, ["status": "ready"]) }
        return JSONResponse.make(.serviceUnavailable, ["status": "unavailable", "detail": problems.joined(separator: "; ")])
    }
}


