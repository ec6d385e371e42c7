import Foundation
import Logging
import Metrics
import Postgres

/// A worker's one PostgreSQL connection and what it knows of the database's state: reconnects
/// after a connection error, retries transient failures with backoff, and logs one line (and
/// sets `faultline_processor_database_up`) per change between reachable and unavailable.
public final class DatabaseSession {
    private let url: String
    private let logger: Logger
    private var connection: PGConnection?
    private(set) var isDown = false

    public init(url: String, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    public func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        if connection?.isHealthy != true {
            connection = nil
            connection = try PGConnection(url: url)
        }
        do {
            return try body(connection!)
        } catch let error as PGError where error.kind == .connection {
            connection = nil
            throw error
        }
    }

    /// Runs `body` until it succeeds or fails with something other than a transient database
    /// error, backing off between tries.
    public func retryingTransient<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                let value = try body()
                noteRecovered()
                return value
            } catch let error as PGError where error.isTransient {
                attempt += 1
                noteFailure(error)
                pause(attempt)
            }
        }
    }

    func noteFailure(_ error: any Error) {
        if !isDown {
            logger.error("processor: PostgreSQL unavailable (\(error)); pausing and retrying")
            isDown = true
            Gauge(label: "faultline_processor_database_up").record(0)
        }
    }

    func noteRecovered() {
        if isDown {
            logger.notice("processor: PostgreSQL reachable again; resuming")
            isDown = false
            Gauge(label: "faultline_processor_database_up").record(1)
        }
    }

    /// Sleeps before try `attempt + 1`: 0.2 s doubling to at most 5 s.
    func pause(_ attempt: Int) {
        Thread.sleep(forTimeInterval: min(5, 0.1 * pow(2, Double(min(attempt, 10)))))
    }
}
