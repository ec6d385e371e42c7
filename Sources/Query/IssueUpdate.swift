import EventModel
import Foundation
import Store

/// The body of a bulk or single issue `PUT`, as Sentry's clients send it (`sentry-cli issues
/// resolve|mute|unresolve`, the web UI). Pure; the route applies it.
struct IssueUpdate: Equatable {
    enum Assignment: Equatable {
        case assign(String)
        case unassign
    }

    /// `inRelease: "latest"` is resolved per project by the route.
    static let latestRelease = "latest"

    var status: IssueTriage.StatusChange?
    var assignment: Assignment?
    var merge = false
    /// What Sentry echoes back: the fields it applied.
    var echo: [String: JSON] = [:]

    static func parse(_ body: [String: JSON], now: Date = Date()) throws(QueryError) -> IssueUpdate {
        var update = IssueUpdate()
        let details = body["statusDetails"]?.object ?? [:]
        if let status = body["status"] {
            guard let text = status.string else { throw invalid("status", "Not a valid choice.") }
            update.status = try statusChange(text, details: details, body: body, now: now)
            update.echo["status"] = .string(text == "resolvedInNextRelease" ? "resolved" : text == "muted" ? "ignored" : text)
            update.echo["statusDetails"] = .object(details)
        }
        if let assignee = body["assignedTo"] {
            switch assignee {
            case .null: update.assignment = .unassign
            case .string(let text) where text.isEmpty: update.assignment = .unassign
            case .string(let text):
                let name = text.hasPrefix("user:") ? String(text.dropFirst(5)) : text
                guard name.count <= 200 else { throw invalid("assignedTo", "Unknown actor input") }
                update.assignment = .assign(name)
            default: throw invalid("assignedTo", "Unknown actor input")
            }
            update.echo["assignedTo"] = update.assignment.map {
                if case .assign(let name) = $0 { return .object(["type": "user", "id": .string(name), "name": .string(name), "email": .string(name)]) }
                return .null
            } ?? .null
        }
        if body["merge"]?.bool == true || body["merge"]?.int == 1 || body["merge"]?.string == "1" { update.merge = true }
        for flag in ["hasSeen", "isBookmarked", "isSubscribed", "isPublic"] where body[flag] != nil { update.echo[flag] = body[flag] }
        return update
    }

    private static func statusChange(_ status: String, details: [String: JSON], body: [String: JSON],
                                     now: Date) throws(QueryError) -> IssueTriage.StatusChange {
        switch status {
        case "resolved":
            if details["inNextRelease"]?.bool == true { return .resolvedInNextRelease }
            if let release = details["inRelease"]?.string, !release.isEmpty { return .resolvedInRelease(release) }
            return .resolved
        case "resolvedInNextRelease":
            return .resolvedInNextRelease
        case "unresolved":
            return .unresolved
        case "ignored", "muted":
            var conditions = IssueTriage.IgnoreConditions()
            let duration = details["ignoreDuration"]?.int ?? body["ignoreDuration"]?.int ?? body["snoozeDuration"]?.int
            if let minutes = duration { conditions.until = now.addingTimeInterval(TimeInterval(try positive(minutes, "ignoreDuration")) * 60) }
            if let count = details["ignoreCount"]?.int { conditions.count = try positive(count, "ignoreCount") }
            if let window = details["ignoreWindow"]?.int { conditions.windowMinutes = try windowMinutes(window, "ignoreWindow") }
            if let users = details["ignoreUserCount"]?.int { conditions.userCount = try positive(users, "ignoreUserCount") }
            if let window = details["ignoreUserWindow"]?.int { conditions.userWindowMinutes = try windowMinutes(window, "ignoreUserWindow") }
            return .ignored(conditions)
        default:
            throw invalid("status", "\"\(status)\" is not a valid choice.")
        }
    }

    private static func positive(_ value: Int64, _ field: String) throws(QueryError) -> Int64 {
        guard value > 0, value <= 1_000_000_000 else { throw invalid(field, "Ensure this value is greater than or equal to 1.") }
        return value
    }

    /// Sentry caps ignore windows at one week.
    private static func windowMinutes(_ value: Int64, _ field: String) throws(QueryError) -> Int64 {
        guard value > 0, value <= 10_080 else { throw invalid(field, "Ensure this value is less than or equal to 10080.") }
        return value
    }

    private static func invalid(_ field: String, _ message: String) -> QueryError {
        QueryError(.badRequest, "\(field): \(message)")
    }
}
