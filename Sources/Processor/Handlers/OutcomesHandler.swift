import EventModel
import Kafka
import Logging
import Metrics
import Quotas
import Store

/// The `outcomes` topic: records decoded by `OutcomeMessage` and added to `outcomes_hourly` by
/// `OutcomeWriter`. A record sent from a relay's spool carries a receipt and counts only if the
/// receipt is new (a replay after a restart sends the same record again). The smallest
/// handler: start here when adding one.
public final class OutcomesHandler: TopicHandler {
    public let topic: String
    private let logger: Logger

    public init(topic: String, logger: Logger) {
        self.topic = topic
        self.logger = logger
    }

    public func handle(_ messages: [KafkaMessage], database: DatabaseSession) -> TopicWrite {
        var records: [(record: OutcomeRecord, receipt: IngestReceiptRepository.Receipt?)] = []
        var deadLetters: [DeadLetter] = []
        for message in messages {
            do {
                let record = try OutcomeMessage.decode(message.value)
                // A receipt whose sequence PostgreSQL cannot hold is not one a spool wrote: the
                // record counts as one without a receipt rather than not at all.
                let receipt = message.header(IngestReceipt.headerName).flatMap(IngestReceipt.decode)
                    .flatMap { Int64(exactly: $0.sequence) == nil ? nil : $0 }
                    .map { IngestReceiptRepository.Receipt(projectID: record.projectID, receipt: $0) }
                records.append((record, receipt))
            } catch {
                deadLetters.append(DeadLetter(
                    topic: message.topic, partition: message.partition, offset: message.offset,
                    projectID: projectID(of: message), reason: error.description, payload: message.value))
            }
        }
        return TopicWrite(deadLetters: deadLetters, write: { [logger] tx in
            let claimed = try IngestReceiptRepository(tx).claim(records.compactMap(\.receipt))
            // A copy in this same batch is claimed once too: only its first occurrence counts.
            var counted: Set<IngestReceiptRepository.Receipt> = []
            let fresh = records.filter { entry in
                guard let receipt = entry.receipt else { return true }
                return claimed.contains(receipt) && counted.insert(receipt).inserted
            }.map(\.record)
            let result = try OutcomeWriter(tx).write(fresh)
            let replayed = records.count - fresh.count
            return {
                Counter(label: "faultline_processor_outcomes_total", dimensions: [("result", "recorded")]).increment(by: result.recorded)
                if replayed > 0 {
                    Counter(label: "faultline_processor_outcomes_total", dimensions: [("result", "replayed")]).increment(by: replayed)
                }
                if result.unattributed > 0 {
                    Counter(label: "faultline_processor_outcomes_total", dimensions: [("result", "unattributed")]).increment(by: result.unattributed)
                    logger.warning("processor: \(result.unattributed) outcomes of unknown projects without org_id skipped")
                }
            }
        })
    }

    public func projectID(of message: KafkaMessage) -> Int64? { OutcomeMessage.projectID(of: message.value) }
}
