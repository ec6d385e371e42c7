import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import ServiceLifecycle

/// Runs `ProcessorWorker`s on threads of their own inside a service group; on graceful shutdown
/// they finish their batch (or drain, for the in-memory broker), commit, and leave the group.
public struct ProcessorService: Service {
    let workers: [ProcessorWorker]
    let logger: Logger

    public init(settings: ProcessorWorker.Settings, workers count: Int = 1, logger: Logger) {
        workers = (0..<max(1, count)).map { _ in ProcessorWorker(settings: settings, logger: logger) }
        self.logger = logger
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in workers {
                group.addTask {
                    try await Self.runOnThread(worker)
                }
            }
            group.addTask {
                try? await gracefulShutdown()
                for worker in workers { worker.stop() }
            }
            try await group.waitForAll()
        }
    }

    static func runOnThread(_ worker: ProcessorWorker) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let niceness = worker.settings.niceness
            let thread = Thread {
                // On Linux the nice value belongs to the thread, and `who` 0 is the calling
                // thread; threads librdkafka starts from here inherit it.
                if niceness > 0 { setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, niceness)) }
                do {
                    try worker.run()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "faultline-processor"
            thread.start()
        }
    }
}
