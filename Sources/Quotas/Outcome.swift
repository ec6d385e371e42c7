import EventModel
import Foundation

/// What happened to an item, as Sentry's outcomes record it.
public enum OutcomeKind: Int, Sendable, Codable {
    case accepted = 0
    case filtered = 1
    case rateLimited = 2
    case invalid = 3
    case abuse = 4
    case clientDiscard = 5
    case cardinalityLimited = 6
}

/// One message on the `outcomes` topic, in the shape of Sentry relay's outcomes
/// (`timestamp`, `org_id`, `project_id`, `key_id`, `outcome`, `reason`, `event_id`,
/// `remote_addr`, `category`, `quantity`); empty fields are omitted.
public struct OutcomeRecord: Sendable, Equatable, Codable {
    public var timestamp: String
    public var orgID: Int64?
    public var projectID: Int64
    public var keyID: Int64?
    public var outcome: OutcomeKind
    public var reason: String?
    public var eventID: String?
    public var remoteAddr: String?
    public var category: Int
    public var quantity: Int

    enum CodingKeys: String, CodingKey {
        case timestamp, outcome, reason, category, quantity
        case orgID = "org_id"
        case projectID = "project_id"
        case keyID = "key_id"
        case eventID = "event_id"
        case remoteAddr = "remote_addr"
    }

    public init(timestamp: Date, orgID: Int64?, projectID: Int64, keyID: Int64?, outcome: OutcomeKind, reason: String?,
                eventID: String?, remoteAddr: String?, category: DataCategory, quantity: Int) {
        self.timestamp = Self.format(timestamp)
        self.orgID = orgID
        self.projectID = projectID
        self.keyID = keyID
        self.outcome = outcome
        self.reason = reason
        self.eventID = eventID
        self.remoteAddr = remoteAddr
        self.category = category.id
        self.quantity = quantity
    }

    /// Compact JSON with sorted keys, absent optionals left out: what `JSONEncoder` wrote before,
    /// without its cost (one per item of every request).
    public func encoded() -> [UInt8] {
        var members: [String: JSON] = [
            "timestamp": .string(timestamp), "project_id": .int(projectID), "outcome": .int(Int64(outcome.rawValue)),
            "category": .int(Int64(category)), "quantity": .int(Int64(quantity)),
        ]
        if let orgID { members["org_id"] = .int(orgID) }
        if let keyID { members["key_id"] = .int(keyID) }
        if let reason { members["reason"] = .string(reason) }
        if let eventID { members["event_id"] = .string(eventID) }
        if let remoteAddr { members["remote_addr"] = .string(remoteAddr) }
        return JSON.object(members).encoded()
    }

    /// RFC 3339 with microseconds and `Z`, as relay writes outcome timestamps.
    static func format(_ date: Date) -> String {
        // Clamped (about ±285,000 years) so no date can make the conversion to microseconds trap.
        let seconds1970 = date.timeIntervalSince1970.isFinite ? min(max(date.timeIntervalSince1970, -9e12), 9e12) : 0
        let micros = Int64((seconds1970 * 1_000_000).rounded())
        var seconds = time_t(micros / 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        let fraction = Int(micros % 1_000_000)
        guard (0...9999).contains(year), fraction >= 0 else {
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", year, Int(parts.tm_mon) + 1,
                          Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int64(fraction))
        }
        // Digits by hand: `String(format:)` showed in the relay's profile.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 { bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10)); divisor /= 10 }
        }
        digits(year, 4); bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); bytes.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2); bytes.append(UInt8(ascii: "."))
        digits(fraction, 6); bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
