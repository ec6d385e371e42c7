import EventModel
import Foundation
import Logging
import Postgres
import Quotas
import Store

/// Enforces rate limits across relays without a shared cache: each relay leases slices of a
/// limit's window from one PostgreSQL row (an atomic UPDATE … RETURNING) and spends them
/// locally. The limit is never exceeded; a relay leaves at most one slice unused per window.
/// If PostgreSQL cannot be reached, requests are let through (fail open), as Sentry's relay does
/// when its quota store is down.
public final class QuotaLeaser: @unchecked Sendable {
    private struct Budget {
        var windowStart: Int64
        var remaining: Int64
        var exhausted: Bool
    }

    private let pool: PGPool
    private let logger: Logger
    private let lock = NSLock()
    private var budgets: [Int64: Budget] = [:]

    public init(pool: PGPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Spends `quantity` of every limit that applies to `category`; returns the limits that
    /// refused, with how long until their window ends.
    public func consume(_ limits: [QuotaLimit], category: DataCategory, quantity: Int, now: Date = Date()) async -> [ActiveRateLimit] {
        var refused: [ActiveRateLimit] = []
        var granted: [QuotaLimit] = []
        let seconds = Int64(now.timeIntervalSince1970)
        for limit in limits where limit.category == category {
            if await take(limit, Int64(quantity), at: seconds) {
                granted.append(limit)
            } else {
                refused.append(ActiveRateLimit(retryAfter: Int(limit.secondsLeft(at: seconds)), categories: [category],
                                               scope: limit.scope))
            }
        }
        // Refused by one limit: the others get their share back, so a key held by its own limit
        // cannot drain its project's.
        if !refused.isEmpty {
            for limit in granted { giveBack(limit, Int64(quantity), at: seconds) }
        }
        return refused
    }

    private func giveBack(_ limit: QuotaLimit, _ quantity: Int64, at seconds: Int64) {
        let window = limit.windowStart(at: seconds)
        lock.withLock {
            guard var budget = budgets[limit.id], budget.windowStart == window else { return }
            budget.remaining = Saturating.add(budget.remaining, quantity)
            budgets[limit.id] = budget
        }
    }

    private func take(_ limit: QuotaLimit, _ quantity: Int64, at seconds: Int64) async -> Bool {
        let window = limit.windowStart(at: seconds)
        let local = lock.withLock { () -> Bool? in
            var budget = budgets[limit.id] ?? Budget(windowStart: window, remaining: 0, exhausted: false)
            if budget.windowStart != window { budget = Budget(windowStart: window, remaining: 0, exhausted: false) }
            defer { budgets[limit.id] = budget }
            if budget.remaining >= quantity {
                budget.remaining -= quantity
                return true
            }
            return budget.exhausted ? false : nil
        }
        if let local { return local }
        let want = max(limit.slice, quantity)
        let granted: Int64
        do {
            granted = try await pool.withConnection { try RelayConfigStore($0).lease(limit: limit, windowStart: window, want: want) }
        } catch {
            logger.warning("relay: quota store unavailable, letting traffic through: \(error)")
            return true
        }
        return lock.withLock {
            var budget = budgets[limit.id] ?? Budget(windowStart: window, remaining: 0, exhausted: false)
            if budget.windowStart != window { budget = Budget(windowStart: window, remaining: 0, exhausted: false) }
            budget.remaining = Saturating.add(budget.remaining, granted)
            if granted < want { budget.exhausted = true }
            let allowed = budget.remaining >= quantity
            if allowed { budget.remaining -= quantity }
            budgets[limit.id] = budget
            return allowed
        }
    }
}
