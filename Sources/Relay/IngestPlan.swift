import Core
import EventModel
import Foundation
import Quotas

/// What one authenticated envelope becomes: for each item its topic, category and fate
/// (accepted, filtered, invalid), before rate limits. Pure, so every rule is unit-tested without
/// a broker; `finalize` applies the rate limits the relay found and yields Kafka messages and
/// outcomes.
public struct IngestPlan: Sendable {
    public struct Message: Sendable {
        public let topic: String
        public let key: [UInt8]
        public let value: [UInt8]
    }

    public struct Item: Sendable {
        public let type: String
        public let topic: String?
        public let counted: (category: DataCategory, quantity: Int)?
        public let value: [UInt8]
        public var filterReason: String?
        /// Set when the item is refused for its content (an `invalid` outcome with this reason).
        public let invalidReason: String?
        /// Attachments ride with their event: dropped when it is filtered or limited.
        public let belongsToEvent: Bool
    }

    public struct Context: Sendable {
        public var projectID: Int64
        public var organizationID: Int64?
        public var keyID: Int64
        public var received: Date
        public var clientIP: String?
        public var sdk: String?
        public var topics: Topics
        public var limits: RelayLimits
        public var filters: InboundFilters

        public init(projectID: Int64, organizationID: Int64? = nil, keyID: Int64, received: Date, clientIP: String?,
                    sdk: String?, topics: Topics, limits: RelayLimits, filters: InboundFilters = InboundFilters()) {
            self.projectID = projectID
            self.organizationID = organizationID
            self.keyID = keyID
            self.received = received
            self.clientIP = clientIP
            self.sdk = sdk
            self.topics = topics
            self.limits = limits
            self.filters = filters
        }
    }

    /// The event id answered to the SDK, when the envelope carries an event.
    public let eventID: String?
    public let items: [Item]
    public let context: Context
    /// Outcomes known before rate limiting: client reports' discards.
    public let clientDiscards: [OutcomeRecord]
    public let partitionKey: [UInt8]

    public static func make(_ envelope: Envelope, context: Context) throws(RelayError) -> IngestPlan {
        var eventID = envelope.eventID.flatMap(EventID.normalize)
        var events: [Int: JSONObjectIndex] = [:]
        // Items refused for what they hold, with the reason of their `invalid` outcome.
        var invalid: [Int: String] = [:]
        var attachmentBytes = 0
        var envelopeItems = envelope.items
        for (index, item) in envelopeItems.enumerated() {
            if let limit = context.limits.itemLimit(item.type), item.payload.count > limit {
                throw RelayLimits.tooLarge(item.type)
            }
            if item.type == "attachment" {
                // Each payload is under the attachment limit, so the sum cannot overflow before the check.
                attachmentBytes += item.payload.count
                if attachmentBytes > context.limits.maxAttachmentsSize { throw RelayLimits.tooLarge("attachment") }
            }
            if item.type == "raw_security" {
                // A raw browser report becomes the event the security endpoint would make of it,
                // so downstream every `security` message is a security-report event.
                guard let converted = try? SecurityReport.event(item.payload, eventID: eventID ?? EventID.generate(),
                                                                release: nil, environment: nil) else {
                    invalid[index] = SecurityReport.invalidReason
                    continue
                }
                envelopeItems[index] = EnvelopeItem(headers: item.headers.merging(["type": "security"]) { $1 },
                                                     payload: converted.encoded())
            }
            let type = envelopeItems[index].type
            guard ItemRouting.isEvent(type) else { continue }
            // Validated in full, but only the members the plan reads are parsed.
            guard let event = try? JSONObjectIndex(envelopeItems[index].payload) else {
                throw RelayError(.badRequest, "invalid JSON data: \(item.type) item is not a JSON object")
            }
            // An error event sent as `security` would dodge the error category's rate limits
            // and be stored as an ordinary issue: only real security reports pass as `security`.
            if type == "security" && !SecurityReport.isSecurityEvent(event) {
                invalid[index] = SecurityReport.invalidReason
                continue
            }
            events[index] = event
            if eventID == nil { eventID = event["event_id"]?.string.flatMap(EventID.normalize) }
        }
        let carriesEvent = !events.isEmpty
        if carriesEvent && eventID == nil { eventID = EventID.generate() }
        let partitionKey = Array((eventID ?? EventID.generate()).utf8)

        var items: [Item] = []
        var discards: [OutcomeRecord] = []
        var eventFilterReason: String?
        for (index, item) in envelopeItems.enumerated() {
            if let reason = invalid[index] {
                items.append(Item(type: item.type, topic: nil,
                                  counted: DataCategory.of(itemType: item.type, payloadSize: item.payload.count),
                                  value: [], filterReason: nil, invalidReason: reason, belongsToEvent: false))
                continue
            }
            if item.type == "client_report" {
                discards += ClientReport.outcomes(item.payload, context: context)
                continue
            }
            var filterReason: String?
            if let event = events[index], !context.filters.isEmpty {
                filterReason = context.filters.reason(for: FilterSubject.of(event))
                eventFilterReason = eventFilterReason ?? filterReason
            }
            var itemHeaders = item.headers
            itemHeaders["length"] = nil
            let metadata = IngestMessage.Metadata(
                type: item.type, eventID: eventID, projectID: context.projectID, keyID: context.keyID,
                received: context.received.timeIntervalSince1970, clientIP: context.clientIP, sdk: context.sdk,
                sentAt: envelope.sentAt, itemHeaders: itemHeaders.isEmpty ? nil : itemHeaders)
            items.append(Item(
                type: item.type, topic: ItemRouting.topic(for: item.type, topics: context.topics),
                counted: DataCategory.of(itemType: item.type, payloadSize: item.payload.count),
                value: IngestMessage(metadata: metadata, payload: item.payload).encoded(),
                filterReason: filterReason, invalidReason: nil, belongsToEvent: carriesEvent && item.type == "attachment"))
        }
        if let reason = eventFilterReason {
            for index in items.indices where items[index].belongsToEvent { items[index].filterReason = reason }
        }
        return IngestPlan(eventID: carriesEvent ? eventID : nil, items: items, context: context,
                          clientDiscards: discards, partitionKey: partitionKey)
    }

    /// Total quantity per category of the items that survived the filters: what rate limits judge.
    public var demand: [DataCategory: Int] {
        var totals: [DataCategory: Int] = [:]
        for item in items where item.filterReason == nil && item.invalidReason == nil {
            // Saturating: quantities are bounded by the item limits, but a sum must never trap.
            if let counted = item.counted { totals[counted.category] = Saturating.add(totals[counted.category] ?? 0, counted.quantity) }
        }
        return totals
    }

    public struct Outcome: Sendable {
        public let messages: [Message]
        public let outcomes: [OutcomeRecord]
        /// True when the envelope had valid items and every one was refused by a rate limit.
        public let fullyRateLimited: Bool
    }

    /// Applies the rate-limited categories: limited items (and the attachments of a limited event)
    /// are dropped with a `rate_limited` outcome, filtered ones with `filtered`, items without a
    /// topic with `invalid`, the rest become messages with an `accepted` outcome.
    public func finalize(limited: Set<DataCategory>) -> Outcome {
        let eventLimited = items.contains { ItemRouting.isEvent($0.type) && $0.counted.map { limited.contains($0.category) } == true }
        var messages: [Message] = []
        var outcomes = clientDiscards
        var refused = 0
        for item in items {
            let counted = item.counted ?? (.default, 1)
            func record(_ kind: OutcomeKind, _ reason: String?) {
                outcomes.append(OutcomeRecord(
                    timestamp: context.received, orgID: context.organizationID, projectID: context.projectID,
                    keyID: context.keyID, outcome: kind, reason: reason, eventID: eventID, remoteAddr: context.clientIP,
                    category: counted.category, quantity: counted.quantity))
            }
            if let reason = item.invalidReason {
                record(.invalid, reason)
            } else if let reason = item.filterReason {
                record(.filtered, reason)
            } else if limited.contains(counted.category) || (item.belongsToEvent && eventLimited) {
                record(.rateLimited, "quota_exceeded")
                refused += 1
            } else if let topic = item.topic {
                messages.append(Message(topic: topic, key: partitionKey, value: item.value))
                record(.accepted, nil)
            } else {
                record(.invalid, "unsupported_item:\(item.type)")
            }
        }
        let judged = items.count { $0.invalidReason == nil }
        return Outcome(messages: messages, outcomes: outcomes, fullyRateLimited: judged > 0 && refused == judged)
    }
}
