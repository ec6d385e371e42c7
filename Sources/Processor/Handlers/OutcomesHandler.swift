import Kafka
import Logging
import Metrics
import Quotas

/// The `outcomes` topic: records decoded by `OutcomeMessage` and added to `outcomes_hourly` by
/// `OutcomeWriter`. The smallest handler: start here when adding one.
public final class OutcomesHandler: TopicHandler {
    public let topic: String
    private let logger: Logger

    public init(topic: String, logger: Logger) {
        self.topic = topic
        self.logger = logger
    }

    public func handle(_ messages: [KafkaMessage], database: DatabaseSession) -> TopicWrite {
        var records: [OutcomeRecord] = []
        var deadLetters: [DeadLetter] = []
        for message in messages {
            do {
                records.append(try OutcomeMessage.decode(message.value))
            } catch {
                deadLetters.append(DeadLetter(
                    topic: message.topic, partition: message.partition, offset: message.offset,
                    projectID: projectID(of: message), reason: error.description, payload: message.value))
            }
        }
        return TopicWrite(deadLetters: deadLetters, write: { [logger] tx in
            let result = try OutcomeWriter(tx).write(records)
            return {
                Counter(label: "faultline_processor_outcomes_total", dimensions: [("result", "recorded")]).increment(by: result.recorded)
                if result.unattributed > 0 {
                    Counter(label: "faultline_processor_outcomes_total", dimensions: [("result", "unattributed")]).increment(by: result.unattributed)
                    logger.warning("processor: \(result.unattributed) outcomes of unknown projects without org_id skipped")
                }
            }
        })
    }

    public func projectID(of message: KafkaMessage) -> Int64? { OutcomeMessage.projectID(of: message.value) }
}
