import Foundation

/// Bytes being read, decompressed and parsed across all ingest requests at once. A request
/// reserves as it reads and decodes and gives everything back when it ends; a reservation that
/// would pass the budget is refused (the relay answers 503 with `Retry-After`), except when
/// nothing else is reserved, so one request as large as the limits allow always fits.
public final class InFlightBudget: @unchecked Sendable {
    public let limit: Int
    private let lock = NSLock()
    private var used = 0

    public init(limit: Int) { self.limit = max(0, limit) }

    /// Reserves `bytes` more for a holder of `held` bytes; false (and nothing reserved) when that
    /// would pass the budget while others hold some of it.
    public func reserve(_ bytes: Int, holding held: Int = 0) -> Bool {
        guard bytes > 0 else { return true }
        return lock.withLock {
            let (total, overflow) = used.addingReportingOverflow(bytes)
            guard !overflow, total <= limit || used <= held else { return false }
            used = total
            return true
        }
    }

    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        lock.withLock { used = max(0, used - bytes) }
    }

    public var inUse: Int { lock.withLock { used } }

    /// How much more a holder of `held` bytes may reserve now: unbounded when it is alone.
    func room(holding held: Int) -> Int {
        lock.withLock { used <= held ? Int.max : max(0, limit - used) }
    }
}

/// One request's share of the budget, given back in one call when the request ends.
final class BudgetReservation: @unchecked Sendable {
    private let budget: InFlightBudget
    private(set) var held = 0

    init(_ budget: InFlightBudget) { self.budget = budget }

    /// Reserves more for this request, or throws the relay's overload answer.
    func reserve(_ bytes: Int) throws(RelayError) {
        guard budget.reserve(bytes, holding: held) else { throw RelayError.overloaded }
        held += bytes
    }

    /// How much more this request may reserve now.
    var room: Int { budget.room(holding: held) }

    /// Gives back part of what this request holds (what a decode reserved and did not use).
    func release(_ bytes: Int) {
        let bytes = min(max(0, bytes), held)
        budget.release(bytes)
        held -= bytes
    }

    func releaseAll() {
        budget.release(held)
        held = 0
    }
}
