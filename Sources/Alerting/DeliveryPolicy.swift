import Foundation

/// When a failed notification is tried again, and when it is given up (pure): exponential
/// backoff from `base`, capped at `cap`, dead after `maxAttempts` failures. The defaults retry
/// for about two hours (1, 2, 4 … 512 s, then every 10 minutes), so a receiver down for
/// minutes still gets everything.
public struct DeliveryPolicy: Sendable, Equatable {
    public var base: TimeInterval
    public var cap: TimeInterval
    public var maxAttempts: Int

    public init(base: TimeInterval = 1, cap: TimeInterval = 600, maxAttempts: Int = 20) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// After the `attempts`-th failure (1-based): the delay before the next try, or nil when the
    /// notification is dead.
    public func retryDelay(afterAttempts attempts: Int) -> TimeInterval? {
        guard attempts < maxAttempts else { return nil }
        let exponent = min(max(attempts - 1, 0), 30)
        return min(cap, base * Double(1 << exponent))
    }
}

/// The outbox partition of a project: notifications of one project go through one deliverer
/// at a time, in order; partitions spread projects over the processors.
public enum OutboxPartition {
    public static func of(projectID: Int64, partitions: Int) -> Int {
        let count = Int64(max(1, partitions))
        return Int(((projectID % count) + count) % count)
    }
}
