import Foundation

/// When a dashboard session ends (pure): `absolute` after it began whatever happens, and `idle`
/// after it was last used. Its last use is written back at most every `touchInterval`, so a page
/// view costs no write.
public struct SessionLifetime: Sendable, Equatable {
    public var idle: TimeInterval
    public var absolute: TimeInterval
    public var touchInterval: TimeInterval

    /// Sentry keeps a session two weeks; Faultline also ends one unused for a day.
    public static let standard = SessionLifetime(idle: 86_400, absolute: 14 * 86_400, touchInterval: 60)

    public init(idle: TimeInterval, absolute: TimeInterval, touchInterval: TimeInterval) {
        self.idle = idle
        self.absolute = absolute
        self.touchInterval = touchInterval
    }

    public enum Verdict: Sendable, Equatable {
        case expired
        /// Valid; `touch` says whether to record this use as its last.
        case valid(touch: Bool)
    }

    public func verdict(expiresAt: Date, lastSeenAt: Date, now: Date) -> Verdict {
        if now >= expiresAt || now.timeIntervalSince(lastSeenAt) >= idle { return .expired }
        return .valid(touch: now.timeIntervalSince(lastSeenAt) >= touchInterval)
    }

    /// The absolute end of a session that begins `now`.
    public func expiry(from now: Date) -> Date { now.addingTimeInterval(absolute) }
}
