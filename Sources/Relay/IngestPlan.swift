import Core
import EventModel
import Foundation

/// The Kafka messages one accepted envelope becomes. Pure: built from the parsed envelope and
/// the authenticated key, so every rule here is unit-tested without a broker.
public struct IngestPlan: Sendable {
    public struct Message: Sendable {
        public let topic: String
        public let key: [UInt8]
        public let value: [UInt8]
    }

    /// The event id answered to the SDK, when the envelope carries an event.
    public let eventID: String?
    public let messages: [Message]
    /// Item types dropped for having no topic.
    public let dropped: [String]

    public struct Context: Sendable {
        public var projectID: Int64
        public var keyID: Int64
        public var received: Date
        public var clientIP: String?
        public var sdk: String?
        public var topics: Topics
        public var limits: RelayLimits

        public init(projectID: Int64, keyID: Int64, received: Date, clientIP: String?, sdk: String?,
                    topics: Topics, limits: RelayLimits) {
            self.projectID = projectID
            self.keyID = keyID
            self.received = received
            self.clientIP = clientIP
            self.sdk = sdk
            self.topics = topics
            self.limits = limits
        }
    }

    public static func make(_ envelope: Envelope, context: Context) throws(RelayError) -> IngestPlan {
        var eventID = envelope.eventID.flatMap(EventID.normalize)
        let carriesEvent = envelope.items.contains { ItemRouting.isEvent($0.type) }
        for item in envelope.items where ItemRouting.isEvent(item.type) {
            guard item.payload.count <= context.limits.maxEventSize else {
                throw RelayError(.contentTooLarge,
                                 "envelope item \(item.type) exceeds max_event_size (\(context.limits.maxEventSize) bytes)")
            }
            guard case .object(let event)? = try? JSON.parse(item.payload) else {
                throw RelayError(.badRequest, "invalid event payload: \(item.type) item is not a JSON object")
            }
            if eventID == nil { eventID = event["event_id"]?.string.flatMap(EventID.normalize) }
        }
        if carriesEvent && eventID == nil { eventID = EventID.generate() }
        // Items of one envelope share a partition key so an event and its attachments stay together.
        let partitionKey = Array((eventID ?? EventID.generate()).utf8)
        var messages: [Message] = []
        var dropped: [String] = []
        for item in envelope.items {
            guard let topic = ItemRouting.topic(for: item.type, topics: context.topics) else {
                dropped.append(item.type)
                continue
            }
            var itemHeaders = item.headers
            itemHeaders["length"] = nil
            let metadata = IngestMessage.Metadata(
                type: item.type, eventID: eventID, projectID: context.projectID, keyID: context.keyID,
                received: context.received.timeIntervalSince1970, clientIP: context.clientIP, sdk: context.sdk,
                sentAt: envelope.sentAt, itemHeaders: itemHeaders.isEmpty ? nil : itemHeaders)
            let value = IngestMessage(metadata: metadata, payload: item.payload).encoded()
            messages.append(Message(topic: topic, key: partitionKey, value: value))
        }
        return IngestPlan(eventID: carriesEvent ? eventID : nil, messages: messages, dropped: dropped)
    }
}
