import EventModel
import Foundation

/// Numbers from the SDK that later readers compute with, made sane as Sentry's normalizer
/// makes them (a value its schema cannot hold is removed). Pure.
///
/// - Frame `lineno`/`colno` are unsigned 64-bit in Sentry: kept when a whole number in
///   0…Int64.max (a whole double in range becomes an integer); negatives, fractions, values past
///   Int64.max (which this JSON model holds only as inexact doubles) and non-numbers are removed.
/// - Timestamps that are not RFC 3339 text or Unix seconds within years 0001–9999 are removed:
///   breadcrumbs' `timestamp`, the event's `start_timestamp`, spans' `timestamp` and
///   `start_timestamp` (the event's own `timestamp` is replaced by the received time in
///   `NormalizeStage`).
enum EventValueSanity {
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds.
    static let earliestSeconds: Double = -62_135_596_800
    static let latestSeconds: Double = 253_402_300_799

    static func apply(_ event: inout [String: JSON]) {
        EventCleanup.mapStacktraces(&event) { stacktrace in
            guard case .array(let frames)? = stacktrace["frames"] else { return }
            stacktrace["frames"] = .array(frames.map { frame in
                guard case .object(var members) = frame else { return frame }
                for key in ["lineno", "colno"] where members[key] != nil {
                    members[key] = members[key].flatMap(lineNumber)
                }
                return .object(members)
            })
        }
        if let value = event["start_timestamp"], !isTimestamp(value) { event["start_timestamp"] = nil }
        event["breadcrumbs"] = event["breadcrumbs"].map { breadcrumbs in
            EventCleanup.mapValues(breadcrumbs) { crumb in
                if let value = crumb["timestamp"], !isTimestamp(value) { crumb["timestamp"] = nil }
            }
        }
        event["spans"] = event["spans"].map { spans in
            EventCleanup.mapValues(spans) { span in
                for key in ["timestamp", "start_timestamp"] {
                    if let value = span[key], !isTimestamp(value) { span[key] = nil }
                }
            }
        }
    }

    static func lineNumber(_ value: JSON) -> JSON? {
        switch value {
        case .int(let number):
            // Not a ternary: with `JSON` as its type, `nil` there would be read as JSON's `null`.
            guard number >= 0 else { return nil }
            return value
        case .double(let number):
            guard number >= 0, number.rounded(.towardZero) == number, let exact = Int64(exactly: number) else { return nil }
            return .int(exact)
        default: return nil
        }
    }

    static func isTimestamp(_ value: JSON) -> Bool {
        switch value {
        case .int, .double:
            guard let seconds = value.double else { return false }
            return seconds.isFinite && seconds >= earliestSeconds && seconds <= latestSeconds
        case .string(let text):
            guard let date = Timestamp.parse(text) else { return false }
            return date.timeIntervalSince1970 >= earliestSeconds && date.timeIntervalSince1970 <= latestSeconds
        default:
            return false
        }
    }
}
