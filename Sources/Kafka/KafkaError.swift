import CRDKafka

/// The one error type of the Kafka layer.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        case configuration
        case clientCreation
        case queueFull
        case delivery
        case consumer
        case admin
        case shutdown
    }

    public let kind: Kind
    public let message: String
    /// librdkafka's error code, where one exists.
    public let code: Int32?

    public init(_ kind: Kind, _ message: String, code: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    init(_ kind: Kind, rdError: rd_kafka_resp_err_t) {
        self.init(kind, String(cString: rd_kafka_err2str(rdError)), code: rdError.rawValue)
    }

    public var description: String { "kafka \(kind): \(message)" }

    /// A delivery error no retry can fix: the message is too large for the broker, or the
    /// broker says it is invalid, or this client may not write the topic.
    public var isPermanent: Bool {
        guard kind == .delivery, let code else { return false }
        let permanent: [rd_kafka_resp_err_t] = [
            RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE,
            RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_RECORD,
            RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_INVALID_MSG,
        ]
        return permanent.contains { $0.rawValue == code }
    }
}
