/// A least-recently-used cache bounded by the bytes its values say they hold (parsed source maps
/// and mappings can be tens of MB each, so a count bound would not bound memory). A value larger
/// than the whole budget is not kept. Not thread-safe: one per processor worker.
public final class ByteBoundedLRU<Key: Hashable, Value> {
    private struct Entry {
        var value: Value
        var bytes: Int
        var stamp: UInt64
    }

    public let capacity: Int
    public private(set) var bytes = 0
    private var entries: [Key: Entry] = [:]
    /// Recency order: stamp → key. Stamps only grow, so the smallest is the least recent.
    private var order: [UInt64: Key] = [:]
    private var oldest: UInt64 = 0
    private var clock: UInt64 = 0

    public init(capacity: Int) { self.capacity = max(0, capacity) }

    public var count: Int { entries.count }

    public func value(_ key: Key) -> Value? {
        guard var entry = entries[key] else { return nil }
        order.removeValue(forKey: entry.stamp)
        clock += 1
        entry.stamp = clock
        order[clock] = key
        entries[key] = entry
        return entry.value
    }

    public func insert(_ key: Key, _ value: Value, bytes size: Int) {
        if let old = entries.removeValue(forKey: key) {
            order.removeValue(forKey: old.stamp)
            bytes -= old.bytes
        }
        let size = max(1, size)
        guard size <= capacity else { return }
        while bytes + size > capacity, evictOldest() {}
        clock += 1
        entries[key] = Entry(value: value, bytes: size, stamp: clock)
        order[clock] = key
        bytes += size
    }

    /// Drops the least recent entry; the scan over stamps is amortized by `oldest` only moving up.
    private func evictOldest() -> Bool {
        guard !entries.isEmpty else { return false }
        while oldest <= clock {
            if let key = order.removeValue(forKey: oldest) {
                if let entry = entries.removeValue(forKey: key) { bytes -= entry.bytes }
                oldest += 1
                return true
            }
            oldest += 1
        }
        return false
    }
}
