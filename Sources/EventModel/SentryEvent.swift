import Foundation

/// A read view of an event payload: the fields the pipeline uses, plus the whole JSON.
public struct SentryEvent: Sendable {
    public var json: [String: JSON]

    public init(json: [String: JSON]) { self.json = json }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notJSON
        case notAnObject

        public var description: String {
            switch self {
            case .notJSON: return "event payload is not valid JSON"
            case .notAnObject: return "event payload is not a JSON object"
            }
        }
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> SentryEvent {
        let value: JSON
        do { value = try JSON.parse(bytes) } catch { throw .notJSON }
        guard case .object(let members) = value else { throw .notAnObject }
        return SentryEvent(json: members)
    }

    public var eventID: String? { json["event_id"]?.string.flatMap(EventID.normalize) }
    public var platform: String? { json["platform"]?.string }
    public var level: String? { json["level"]?.string }
    public var logger: String? { json["logger"]?.string }
    public var release: String? { json["release"]?.string }
    public var environment: String? { json["environment"]?.string }
    public var transaction: String? { json["transaction"]?.string }
    public var serverName: String? { json["server_name"]?.string }

    /// `timestamp` as RFC 3339 text or Unix seconds.
    public var timestamp: Date? {
        guard let value = json["timestamp"] else { return nil }
        if let seconds = value.double { return Date(timeIntervalSince1970: seconds) }
        return value.string.flatMap(Timestamp.parse)
    }

    /// The exception chain, innermost cause first as SDKs send it.
    public var exceptions: [ExceptionValue] {
        let container = json["exception"]
        let values = container?["values"]?.array ?? container?.array ?? []
        return values.filter { !$0.isNull }.map(ExceptionValue.init)
    }

    /// Frames of a bare `stacktrace` or of the crashed/current thread, when there is no exception.
    public var threadFrames: [StackFrame] {
        if let frames = json["stacktrace"]?["frames"]?.array { return frames.map(StackFrame.init) }
        let threads = json["threads"]?["values"]?.array ?? json["threads"]?.array ?? []
        let chosen = threads.first(where: { $0["crashed"]?.bool == true })
            ?? threads.first(where: { $0["current"]?.bool == true })
            ?? (threads.count == 1 ? threads.first : nil)
        return chosen?["stacktrace"]?["frames"]?.array?.map(StackFrame.init) ?? []
    }

    /// `logentry.formatted`, `logentry.message`, or a plain `message` string.
    public var message: String? {
        if let entry = json["logentry"] ?? json["sentry.interfaces.Message"] {
            return entry["formatted"]?.string ?? entry["message"]?.string
        }
        if let text = json["message"]?.string { return text }
        return json["message"]?["formatted"]?.string ?? json["message"]?["message"]?.string
    }

    public var fingerprint: [String]? { json["fingerprint"]?.array?.compactMap(\.string) }

    public var user: [String: JSON]? { json["user"]?.object }

    /// The identity counted in "users affected": id, else email, else username, else IP address.
    public var userKey: String? {
        guard let user else { return nil }
        if let id = user["id"], let text = id.string ?? id.int.map(String.init) { return "id:\(text)" }
        if let email = user["email"]?.string { return "email:\(email)" }
        if let username = user["username"]?.string { return "username:\(username)" }
        if let ip = user["ip_address"]?.string { return "ip:\(ip)" }
        return nil
    }

    public var traceID: String? { json["contexts"]?["trace"]?["trace_id"]?.string }

    /// Tags as pairs, from either the object or the list-of-pairs form.
    public var tags: [(String, String)] {
        switch json["tags"] {
        case .object(let members)?:
            return members.compactMap { key, value in value.string.map { (key, $0) } }.sorted { $0.0 < $1.0 }
        case .array(let pairs)?:
            return pairs.compactMap { pair in
                guard let items = pair.array, items.count == 2, let key = items[0].string, let value = items[1].string else { return nil }
                return (key, value)
            }
        default:
            return []
        }
    }
}
