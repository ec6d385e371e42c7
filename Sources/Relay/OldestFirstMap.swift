/// A dictionary of at most `capacity` entries that forgets the oldest inserted entry first, in
/// O(1) amortized per insert: a queue of insertions beside the dictionary, where an insertion
/// whose key was inserted again or removed since is skipped (its generation no longer matches).
/// Pure; the project-config cache keeps its unknown keys in one.
struct OldestFirstMap<Value> {
    let capacity: Int
    private var values: [String: (value: Value, generation: Int)] = [:]
    /// Insertions oldest first from `head`; entries before `head` are spent.
    private var queue: [(key: String, generation: Int)] = []
    private var head = 0
    private var generation = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { values.count }

    subscript(key: String) -> Value? { values[key]?.value }

    mutating func insert(_ key: String, _ value: Value) {
        if values[key] == nil {
            while values.count >= capacity, let oldest = popOldest() {
                if values[oldest.key]?.generation == oldest.generation { values[oldest.key] = nil }
            }
        }
        generation &+= 1
        values[key] = (value, generation)
        queue.append((key, generation))
        compactIfMostlySpent()
    }

    mutating func remove(_ key: String) { values[key] = nil }

    private mutating func popOldest() -> (key: String, generation: Int)? {
        guard head < queue.count else { return nil }
        defer { head += 1 }
        return queue[head]
    }

    /// Drops spent and skipped insertions once they are most of the queue, so the queue stays
    /// within a constant factor of `count` and each insert pays O(1) amortized.
    private mutating func compactIfMostlySpent() {
        guard queue.count > 2 * values.count + 32 else { return }
        queue = queue[head...].filter { values[$0.key]?.generation == $0.generation }
        head = 0
    }
}
