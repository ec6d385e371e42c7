import Foundation

/// Counts failed sign-ins per key (an account's address or a client address) in fixed windows
/// and blocks a key after `limit` failures until its window ends (pure; the clock is passed in).
/// Memory is bounded: at most `capacity` keys are tracked, the oldest window dropped first, each
/// step O(1) amortized — so a flood of distinct keys costs neither memory nor time.
struct SignInThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    let capacity: Int

    private struct Count: Sendable {
        var failures: Int
        var start: Date
    }
    private var counts: [String: Count] = [:]
    /// Keys in the order their windows started; an entry whose start no longer matches is stale.
    private var order: [(key: String, start: Date)] = []
    private var head = 0

    init(limit: Int, window: TimeInterval, capacity: Int) {
        self.limit = max(1, limit)
        self.window = max(1, window)
        self.capacity = max(1, capacity)
    }

    var trackedKeys: Int { counts.count }

    /// When `key` may try again, if it is blocked now.
    func blockedUntil(_ key: String, now: Date) -> Date? {
        guard let count = counts[key], now < count.start.addingTimeInterval(window), count.failures >= limit else { return nil }
        return count.start.addingTimeInterval(window)
    }

    mutating func recordFailure(_ key: String, now: Date) {
        if var count = counts[key], now < count.start.addingTimeInterval(window) {
            count.failures = count.failures < Int.max ? count.failures + 1 : count.failures
            counts[key] = count
            return
        }
        counts[key] = nil
        while counts.count >= capacity { evictOldest() }
        counts[key] = Count(failures: 1, start: now)
        order.append((key, now))
    }

    /// A successful sign-in clears the account's count.
    mutating func reset(_ key: String) {
        counts[key] = nil
    }

    private mutating func evictOldest() {
        while head < order.count {
            let entry = order[head]
            head += 1
            if let count = counts[entry.key], count.start == entry.start {
                counts[entry.key] = nil
                break
            }
        }
        // Compact once the consumed prefix is half the array, so `order` stays O(capacity).
        if head > 64 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}

/// The dashboard's sign-in limits: per account and per client address, shared by all requests.
actor SignInGate {
    private var accounts: SignInThrottle
    private var addresses: SignInThrottle

    /// 5 wrong passwords per account and 30 per client address in 15 minutes.
    init(perAccount: Int = 5, perAddress: Int = 30, window: TimeInterval = 900, capacity: Int = 10_000) {
        accounts = SignInThrottle(limit: perAccount, window: window, capacity: capacity)
        addresses = SignInThrottle(limit: perAddress, window: window, capacity: capacity)
    }

    func blockedUntil(account: String, address: String?, now: Date = Date()) -> Date? {
        [accounts.blockedUntil(account.lowercased(), now: now), address.flatMap { addresses.blockedUntil($0, now: now) }]
            .compactMap { $0 }.max()
    }

    func failed(account: String, address: String?, now: Date = Date()) {
        accounts.recordFailure(account.lowercased(), now: now)
        if let address { addresses.recordFailure(address, now: now) }
    }

    func succeeded(account: String) {
        accounts.reset(account.lowercased())
    }
}
