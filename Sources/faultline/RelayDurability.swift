import Core
import Foundation
import Kafka
import Logging
import Postgres
import Processor
import Relay
import ServiceLifecycle
import Spool

/// Where the relay makes a request durable before answering 200 (docs/SPOOL.md, "When the
/// relay spools"): in its write-ahead spool when the broker is the embedded mock cluster (an
/// in-memory log a crash loses), else in Kafka itself (`acks=all` on a replicated log).
/// `FAULTLINE_SPOOL=on|off` overrides the choice.
enum RelayDurability {
    /// The spool and the service that forwards and releases it, or nil when the relay answers
    /// after Kafka's acknowledgement. `backlog` is set exactly when the broker is a mock cluster
    /// with processors reading it.
    static func spool(_ config: FaultlineConfig, producer: KafkaProducer, backlog: BacklogMonitor?, pool: PGPool,
                      defaultDirectory: String, logger: Logger) throws -> (Spool, SpoolService)? {
        switch config.spoolMode {
        case .off: return nil
        case .auto where backlog == nil: return nil
        case .auto, .on: break
        }
        let directory = config.spoolDirectory ?? defaultDirectory
        let spool: Spool
        do {
            spool = try Spool.open(SpoolConfiguration(directory: directory, maxTotalBytes: config.spoolMaxBytes), logger: logger)
        } catch SpoolError.inUse(let path) {
            throw Failure("the spool \(path) is in use by another relay — give each relay its own FAULTLINE_SPOOL_DIR")
        }
        let shipper = SpoolShipper(
            spool: spool, producer: producer, consumedTopics: ProcessorTopics.consumed(config.topics), backlog: backlog,
            recordRelease: SpoolShipper.recordingRelease(of: spool, in: pool), logger: logger)
        logger.info("relay: answering 200 once a request is on disk in the spool \(directory) (up to \(config.spoolMaxBytes / 1024 / 1024) MiB); \(backlog == nil ? "released once Kafka acknowledges" : "released once the processors committed")")
        return (spool, SpoolService(shipper: shipper, spool: spool))
    }
}

/// Runs the spool's forwarder beside the HTTP server; at shutdown (after the listener stopped)
/// stops it and closes the spool. Records not yet processed stay on disk for the next start.
struct SpoolService: Service {
    let shipper: SpoolShipper
    let spool: Spool

    func run() async throws {
        let forwarding = Task { await shipper.run() }
        try? await gracefulShutdown()
        forwarding.cancel()
        await forwarding.value
        spool.close()
    }
}
