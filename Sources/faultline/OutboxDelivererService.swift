import Delivery
import ServiceLifecycle

/// Runs the outbox deliverer (`Delivery.OutboxDeliverer`, on its own thread) beside a processor until shutdown.
struct OutboxDelivererService: Service {
    let deliverer: OutboxDeliverer

    init(_ deliverer: OutboxDeliverer) { self.deliverer = deliverer }

    func run() async throws {
        deliverer.start()
        try? await gracefulShutdown()
        await deliverer.stop()
    }
}
