import Foundation

/// An issue alert rule in Sentry's model: when the conditions hold (`actionMatch` of them) and
/// the filters pass (`filterMatch` of them) for an issue's change, the actions run, at most once
/// per issue every `frequencyMinutes`.
public struct IssueAlertRule: Sendable, Equatable {
    public var name: String
    public var actionMatch: Quantifier
    public var filterMatch: Quantifier
    public var conditions: [RuleCondition]
    public var filters: [RuleFilter]
    public var actions: [RuleAction]
    /// Sentry's `frequency`: minutes between two notifications of one issue (5 … 43,200).
    public var frequencyMinutes: Int64
    /// Only events of this environment, when set.
    public var environment: String?

    public init(name: String, actionMatch: Quantifier = .all, filterMatch: Quantifier = .all, conditions: [RuleCondition],
                filters: [RuleFilter] = [], actions: [RuleAction], frequencyMinutes: Int64 = 30, environment: String? = nil) {
        self.name = name
        self.actionMatch = actionMatch
        self.filterMatch = filterMatch
        self.conditions = conditions
        self.filters = filters
        self.actions = actions
        self.frequencyMinutes = frequencyMinutes
        self.environment = environment
    }

    public static let frequencyRange: ClosedRange<Int64> = 5...43_200
}

/// How many of a list must hold: Sentry's `all`, `any`, `none`.
public enum Quantifier: String, Sendable, CaseIterable {
    case all, any, none

    /// Evaluates lazily (a frequency condition costs a query). An empty list holds, as Sentry
    /// runs a rule without conditions on every event.
    public func holds<T>(_ items: [T], _ test: (T) -> Bool) -> Bool {
        guard !items.isEmpty else { return true }
        switch self {
        case .all: return items.allSatisfy(test)
        case .any: return items.contains(where: test)
        case .none: return !items.contains(where: test)
        }
    }
}

/// What change of an issue a rule waits for.
public enum RuleCondition: Sendable, Equatable {
    /// A new issue is created.
    case firstSeen
    /// The issue changes state from resolved to unresolved.
    case regression
    /// An ignored issue escalates (Sentry: "changes state from archived to escalating").
    case reappeared
    /// Every event (Sentry's deprecated condition, still accepted).
    case everyEvent
    /// A new issue whose event is `fatal` (Faultline's reading of Sentry's high-priority issue).
    case highPriority
    /// More than `value` events of the issue in the interval.
    case eventFrequency(value: Int64, interval: FrequencyInterval)
    /// More than `value` distinct users of the issue in the interval.
    case userFrequency(value: Int64, interval: FrequencyInterval)
}

/// Sentry's intervals of the frequency conditions.
public enum FrequencyInterval: String, Sendable, CaseIterable {
    case oneMinute = "1m", fiveMinutes = "5m", fifteenMinutes = "15m", oneHour = "1h", oneDay = "1d", oneWeek = "1w", thirtyDays = "30d"

    public var minutes: Int64 {
        switch self {
        case .oneMinute: 1
        case .fiveMinutes: 5
        case .fifteenMinutes: 15
        case .oneHour: 60
        case .oneDay: 1_440
        case .oneWeek: 10_080
        case .thirtyDays: 43_200
        }
    }
}

/// A test of the event or issue after a condition held.
public enum RuleFilter: Sendable, Equatable {
    /// Sentry's numeric levels: fatal 50, error 40, warning 30, info 20, debug 10.
    case level(LevelComparison, level: Int)
    case tagged(key: String, match: TextMatch, value: String)
    /// An event attribute (`message`, `platform`, `environment`, `type`, `value`, `level`, `logger`, `culprit`, `release`).
    case attribute(name: String, match: TextMatch, value: String)
    /// The issue is older or newer than `minutes`.
    case age(older: Bool, minutes: Int64)
    /// The issue has been seen at least `value` times.
    case occurrences(Int64)
    /// The issue is unassigned, or assigned to this member (`user:ID`) or team (`team:ID`).
    case assignedTo(String?)
}

public enum LevelComparison: String, Sendable, CaseIterable {
    case equal = "eq", atLeast = "gte", atMost = "lte"
}

/// What a rule does when it fires.
public enum RuleAction: Sendable, Equatable {
    /// `NotifyEventServiceAction`: `webhooks` (the project's WebHooks plugin URLs) or `mail`.
    case service(String)
    /// `NotifyEventSentryAppAction`: an internal integration, by its installation's uuid.
    case sentryApp(installation: String)
    /// `NotifyEmailAction`: issue owners, a team or a member (`targetIdentifier`).
    case email(targetType: String, targetIdentifier: String?)
    /// Faultline's chat action: a Slack-compatible or Discord incoming webhook.
    case chat(url: String, format: ChatFormat)
}

public enum ChatFormat: String, Sendable, CaseIterable {
    case slack, discord
}

/// Sentry's level names by number, and back.
public enum AlertLevel {
    public static func number(_ level: String) -> Int {
        switch level.lowercased() {
        case "fatal": 50
        case "error": 40
        case "warning": 30
        case "info": 20
        case "debug": 10
        default: 0
        }
    }

    public static func name(_ number: Int) -> String? {
        [50: "fatal", 40: "error", 30: "warning", 20: "info", 10: "debug"][number]
    }
}
