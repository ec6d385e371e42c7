import Foundation

/// Whether a rule fires for an issue's change (pure). The frequency limit ("at most once per
/// issue every N minutes") is claimed by the caller in the same transaction (`isDue` is its rule).
public enum RuleEvaluator {
    /// - Parameter counts: counts of the issue over the last N minutes; asked only by frequency
    ///   conditions, and at most once per interval.
    public static func fires(_ rule: IssueAlertRule, _ facts: IssueFacts, now: Date,
                             counts: (Int64) -> WindowCounts) -> Bool {
        if let environment = rule.environment, facts.environment != environment { return false }
        var asked: [Int64: WindowCounts] = [:]
        func window(_ minutes: Int64) -> WindowCounts {
            if let known = asked[minutes] { return known }
            let value = counts(minutes)
            asked[minutes] = value
            return value
        }
        let conditionsHold = rule.actionMatch.holds(rule.conditions) { condition in
            holds(condition, facts, window: window)
        }
        guard conditionsHold else { return false }
        return rule.filterMatch.holds(rule.filters) { passes($0, facts, now: now) }
    }

    static func holds(_ condition: RuleCondition, _ facts: IssueFacts, window: (Int64) -> WindowCounts) -> Bool {
        switch condition {
        case .firstSeen: return facts.isNew
        case .regression: return facts.regressed
        case .reappeared: return facts.escalated
        case .everyEvent: return true
        case .highPriority: return facts.isNew && AlertLevel.number(facts.level) >= 50
        // Sentry: the count must be above the value ("more than N").
        case .eventFrequency(let value, let interval): return window(interval.minutes).events > value
        case .userFrequency(let value, let interval): return window(interval.minutes).users > value
        }
    }

    static func passes(_ filter: RuleFilter, _ facts: IssueFacts, now: Date) -> Bool {
        switch filter {
        case .level(let comparison, let level):
            let actual = AlertLevel.number(facts.level)
            switch comparison {
            case .equal: return actual == level
            case .atLeast: return actual >= level
            case .atMost: return actual <= level
            }
        case .tagged(let key, let match, let value):
            return match.matches(facts.tags[key].map { [$0] } ?? [], value)
        case .attribute(let name, let match, let value):
            return match.matches(attribute(name, facts), value)
        case .age(let older, let minutes):
            let age = now.timeIntervalSince(facts.firstSeen)
            let limit = Double(minutes) * 60
            return older ? age > limit : age < limit
        case .occurrences(let value):
            return facts.timesSeen >= value
        case .assignedTo(let target):
            return facts.assignedTo == target
        }
    }

    static func attribute(_ name: String, _ facts: IssueFacts) -> [String] {
        switch name {
        case "level": return [facts.level]
        case "environment": return facts.environment.map { [$0] } ?? []
        case "release": return facts.release.map { [$0] } ?? []
        default: return facts.attributes[name] ?? []
        }
    }

    /// Whether a rule that last fired for an issue at `lastFired` may fire again at `now`.
    public static func isDue(lastFired: Date?, now: Date, frequencyMinutes: Int64) -> Bool {
        guard let lastFired else { return true }
        return now.timeIntervalSince(lastFired) >= Double(frequencyMinutes) * 60
    }
}
