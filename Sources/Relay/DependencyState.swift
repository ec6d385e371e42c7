import Foundation

/// Whether a dependency (Kafka, PostgreSQL) is failing the relay's requests, so that an outage
/// is logged as one line when it starts and one when it ends, not one line per request (the
/// count is in `faultline_relay_requests_total{status="503"}`).
final class DependencyState: @unchecked Sendable {
    private let lock = NSLock()
    private var failing = false
    private var failures = 0

    /// Notes a failure; true when it starts an outage (log it).
    func failed() -> Bool {
        lock.withLock {
            failures += 1
            defer { failing = true }
            return !failing
        }
    }

    /// Notes a success; the number of requests that failed during the outage it ends, or nil
    /// when none was going on.
    func succeeded() -> Int? {
        lock.withLock {
            guard failing else { return nil }
            defer { failing = false; failures = 0 }
            return failures
        }
    }
}
