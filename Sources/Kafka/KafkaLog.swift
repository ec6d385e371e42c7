import CRDKafka
import Logging

/// Sends librdkafka's log lines through swift-log instead of straight to stderr.
enum KafkaLog {
    static let logger = Logger(label: "librdkafka")

    static func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_log_cb(conf) { _, level, facility, message in
            let text = "\(facility.map { String(cString: $0) } ?? ""): \(message.map { String(cString: $0) } ?? "")"
            switch level {
            case ...3: KafkaLog.logger.error("\(text)")
            case 4: KafkaLog.logger.warning("\(text)")
            case 5: KafkaLog.logger.notice("\(text)")
            case 6: KafkaLog.logger.info("\(text)")
            default: KafkaLog.logger.debug("\(text)")
            }
        }
    }
}
