import Foundation
import Logging
import NIOPosix

/// A pool of connections served by a dedicated thread pool, so blocking libpq calls never
/// occupy Swift's cooperative threads. At most `size` statements run at once.
public final class PGPool: @unchecked Sendable {
    public let url: String
    private let threads: NIOThreadPool
    private let lock = NSLock()
    private var idle: [PGConnection] = []

    public init(url: String, size: Int = 4) {
        self.url = url
        threads = NIOThreadPool(numberOfThreads: max(1, size))
        threads.start()
    }

    /// Borrows a connection for `body` on a pool thread. A connection that broke is dropped.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await threads.runIfActive { [self] in
            let connection = try checkout()
            defer { checkin(connection) }
            return try body(connection)
        }
    }

    public func query(_ sql: String, _ parameters: [any PGBindable] = []) async throws -> PGRows {
        try await withConnection { try $0.query(sql, parameters) }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await withConnection { try $0.transaction(body) }
    }

    public func shutdown() async {
        try? await threads.shutdownGracefully()
        lock.withLock { idle.removeAll() }
    }

    private func checkout() throws -> PGConnection {
        if let connection = lock.withLock({ idle.popLast() }) { return connection }
        return try PGConnection(url: url)
    }

    private func checkin(_ connection: PGConnection) {
        guard connection.isHealthy else { return }
        lock.withLock { idle.append(connection) }
    }
}
