import ServiceLifecycle
import Store

/// Runs the singleton jobs (`Store.JobRunner`, on its own thread) beside a processor until shutdown.
struct JobRunnerService: Service {
    let runner: JobRunner

    init(_ runner: JobRunner) { self.runner = runner }

    func run() async throws {
        runner.start()
        try? await gracefulShutdown()
        runner.stop()
    }
}
