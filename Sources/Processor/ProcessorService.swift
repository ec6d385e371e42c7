import Foundation
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
            let thread = Thread {
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
