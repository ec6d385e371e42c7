import Foundation

/// The Kafka message Relay writes for each accepted envelope item (format version 1):
/// one line of JSON metadata, a `\n`, then the item payload bytes exactly as received.
/// Documented in docs/ARCHITECTURE.md; readers must reject versions they do not know.
public struct IngestMessage: Sendable, Equatable {
    public static let version = 1

    public struct Metadata: Codable, Sendable, Equatable {
        public var v: Int
        /// Envelope item type (`event`, `transaction`, `attachment`, …).
        public var type: String
        public var eventID: String?
        public var projectID: Int64
        public var keyID: Int64
        /// Unix seconds when Relay received the request.
        public var received: Double
        public var clientIP: String?
        /// `sentry_client` of the auth header, e.g. `sentry.python/2.19.0`.
        public var sdk: String?
        /// The envelope header's `sent_at`, for clock-drift correction.
        public var sentAt: String?
        /// The item's own headers (filename, content_type, attachment_type, …).
        public var itemHeaders: [String: JSON]?

        enum CodingKeys: String, CodingKey {
            case v, type, sdk
            case eventID = "event_id"
            case projectID = "project_id"
            case keyID = "key_id"
            case received
            case clientIP = "client_ip"
            case sentAt = "sent_at"
            case itemHeaders = "item_headers"
        }

        public init(type: String, eventID: String?, projectID: Int64, keyID: Int64, received: Double,
                    clientIP: String?, sdk: String?, sentAt: String?, itemHeaders: [String: JSON]? = nil) {
            v = IngestMessage.version
            self.type = type
            self.eventID = eventID
            self.projectID = projectID
            self.keyID = keyID
            self.received = received
            self.clientIP = clientIP
            self.sdk = sdk
            self.sentAt = sentAt
            self.itemHeaders = itemHeaders
        }
    }

    public var metadata: Metadata
    public var payload: [UInt8]

    public init(metadata: Metadata, payload: [UInt8]) {
        self.metadata = metadata
        self.payload = payload
    }

    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + payload.count)
        metadata.write(into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: payload)
        return bytes
    }

    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        case noHeaderLine
        case badMetadata(String)
        case unsupportedVersion(Int)

        public var description: String {
            switch self {
            case .noHeaderLine: return "ingest message has no metadata line"
            case .badMetadata(let reason): return "ingest message metadata is malformed: \(reason)"
            case .unsupportedVersion(let version): return "ingest message version \(version) is not supported"
            }
        }
    }

    /// The project of a message even when it cannot be decoded (an unknown version, a broken
    /// payload), so a dead letter can still be shown to its project.
    public static func projectID(of bytes: [UInt8]) -> Int64? {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
              let metadata = try? JSON.parse(Array(bytes[..<newline])) else { return nil }
        return metadata["project_id"]?.int
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> IngestMessage {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { throw .noHeaderLine }
        let metadata: Metadata
        do {
            metadata = try JSONDecoder().decode(Metadata.self, from: Data(bytes[..<newline]))
        } catch {
            throw .badMetadata(String(describing: error).prefix(200).description)
        }
        guard metadata.v == version else { throw .unsupportedVersion(metadata.v) }
        return IngestMessage(metadata: metadata, payload: Array(bytes[(newline + 1)...]))
    }
}
