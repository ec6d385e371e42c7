/// A limit that is currently refusing some categories, as announced to SDKs.
public struct ActiveRateLimit: Sendable, Equatable {
    public var retryAfter: Int
    public var categories: [DataCategory]
    public var scope: String
    public var reasonCode: String

    public init(retryAfter: Int, categories: [DataCategory], scope: String, reasonCode: String = "quota_exceeded") {
        self.retryAfter = retryAfter
        self.categories = categories
        self.scope = scope
        self.reasonCode = reasonCode
    }

    /// `X-Sentry-Rate-Limits`: `<secs>:<cat>;<cat>:<scope>:<reason_code>` entries joined by `, `.
    public static func header(_ limits: [ActiveRateLimit]) -> String {
        limits.map { limit in
            "\(limit.retryAfter):\(limit.categories.map(\.rawValue).joined(separator: ";")):\(limit.scope):\(limit.reasonCode)"
        }.joined(separator: ", ")
    }
}

/// A configured limit: at most `maxQuantity` of `category` per `windowSeconds`, for a whole
/// project or one DSN key.
public struct QuotaLimit: Sendable, Equatable {
    public let id: Int64
    public let keyID: Int64?
    public let category: DataCategory
    public let windowSeconds: Int64
    public let maxQuantity: Int64

    public init(id: Int64, keyID: Int64?, category: DataCategory, windowSeconds: Int64, maxQuantity: Int64) {
        self.id = id
        self.keyID = keyID
        self.category = category
        self.windowSeconds = windowSeconds
        self.maxQuantity = maxQuantity
    }

    public var scope: String { keyID == nil ? "project" : "key" }

    /// Windows are aligned to the epoch, so every relay agrees on where one starts. A stored
    /// window that is not positive reads as one second (it must not trap on `%`).
    public func windowStart(at unixSeconds: Int64) -> Int64 { unixSeconds - unixSeconds % max(1, windowSeconds) }

    public func secondsLeft(at unixSeconds: Int64) -> Int64 {
        let (end, overflow) = windowStart(at: unixSeconds).addingReportingOverflow(max(1, windowSeconds))
        return overflow ? Int64(Int32.max) : end - unixSeconds
    }

    /// How much a relay leases from PostgreSQL at once: a twentieth of the limit, between 1 and
    /// 1000. A relay can leave at most this much unused per window; the limit is never exceeded.
    public var slice: Int64 { max(1, min(1000, maxQuantity / 20)) }
}
