import EventModel
import Foundation

/// A rule from and to the JSON of Sentry's rules API (`/api/0/projects/{org}/{project}/rules/`).
/// Input is hostile: unknown ids, wrong types, overlong strings and long lists are refused with
/// Sentry's field-keyed messages, never trusted.
public enum RuleCodec {
    public struct Invalid: Error, Sendable, Equatable {
        public let field: String
        public let message: String
        public init(_ field: String, _ message: String) { self.field = field; self.message = message }
    }

    public static let maxItems = 50
    public static let maxText = 1_000

    /// A rule from a request body; `existing` supplies the fields an update leaves out.
    public static func decode(_ body: JSON, existing: IssueAlertRule? = nil) throws(Invalid) -> IssueAlertRule {
        guard case .object(let object) = body else { throw Invalid("detail", "Expected a JSON object.") }
        var rule = existing ?? IssueAlertRule(name: "", conditions: [], actions: [])
        if let name = object["name"] {
            guard let text = name.string?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.utf8.count <= 256 else {
                throw Invalid("name", "This field is required.")
            }
            rule.name = text
        } else if existing == nil {
            throw Invalid("name", "This field is required.")
        }
        if let match = object["actionMatch"], !match.isNull {
            guard let value = match.string.flatMap(Quantifier.init(rawValue:)) else { throw Invalid("actionMatch", "\"\(match.string ?? "")\" is not a valid choice.") }
            rule.actionMatch = value
        }
        if let match = object["filterMatch"], !match.isNull {
            guard let value = match.string.flatMap(Quantifier.init(rawValue:)) else { throw Invalid("filterMatch", "\"\(match.string ?? "")\" is not a valid choice.") }
            rule.filterMatch = value
        }
        if let frequency = object["frequency"], !frequency.isNull {
            guard let minutes = integer(frequency), IssueAlertRule.frequencyRange.contains(minutes) else {
                throw Invalid("frequency", "Ensure this value is between 5 and 43200.")
            }
            rule.frequencyMinutes = minutes
        }
        if let environment = object["environment"] {
            if environment.isNull { rule.environment = nil } else {
                guard let text = environment.string, !text.isEmpty, text.utf8.count <= 64 else { throw Invalid("environment", "This environment has not been created.") }
                rule.environment = text
            }
        }
        if let conditions = object["conditions"] { rule.conditions = try items(conditions, "conditions").map(condition) }
        if let filters = object["filters"] { rule.filters = try items(filters, "filters").map(filter) }
        if let actions = object["actions"] { rule.actions = try items(actions, "actions").map(action) }
        guard !rule.actions.isEmpty else { throw Invalid("actions", "You must add an action for this alert to fire.") }
        return rule
    }

    private static func items(_ json: JSON, _ field: String) throws(Invalid) -> [[String: JSON]] {
        guard let array = json.array, array.count <= maxItems else { throw Invalid(field, "Expected a list of at most \(maxItems) items.") }
        var result: [[String: JSON]] = []
        for item in array {
            guard let object = item.object, object["id"]?.string != nil else { throw Invalid(field, "Each item needs an id.") }
            result.append(object)
        }
        return result
    }

    static func condition(_ item: [String: JSON]) throws(Invalid) -> RuleCondition {
        switch item["id"]?.string ?? "" {
        case RuleIDs.firstSeen: return .firstSeen
        case RuleIDs.regression: return .regression
        case RuleIDs.reappeared: return .reappeared
        case RuleIDs.everyEvent: return .everyEvent
        case RuleIDs.highPriority: return .highPriority
        case RuleIDs.eventFrequency:
            let (value, interval) = try frequency(item)
            return .eventFrequency(value: value, interval: interval)
        case RuleIDs.userFrequency:
            let (value, interval) = try frequency(item)
            return .userFrequency(value: value, interval: interval)
        case let id: throw Invalid("conditions", "Invalid condition: \(clip(id))")
        }
    }

    private static func frequency(_ item: [String: JSON]) throws(Invalid) -> (Int64, FrequencyInterval) {
        guard let value = item["value"].flatMap(integer), value >= 0 else { throw Invalid("conditions", "Ensure at least one condition has a valid value.") }
        guard let interval = item["interval"]?.string.flatMap(FrequencyInterval.init(rawValue:)) else {
            throw Invalid("conditions", "Select a valid interval (\(FrequencyInterval.allCases.map(\.rawValue).joined(separator: ", "))).")
        }
        if let comparison = item["comparisonType"]?.string, comparison != "count" {
            throw Invalid("conditions", "Only comparisonType \"count\" is supported.")
        }
        return (value, interval)
    }

    static func filter(_ item: [String: JSON]) throws(Invalid) -> RuleFilter {
        switch item["id"]?.string ?? "" {
        case RuleIDs.levelFilter:
            guard let comparison = item["match"]?.string.flatMap(LevelComparison.init(rawValue:)),
                  let level = item["level"].flatMap(integer), AlertLevel.name(Int(level)) != nil else {
                throw Invalid("filters", "Level filter needs match (eq, gte, lte) and level (10…50).")
            }
            return .level(comparison, level: Int(level))
        case RuleIDs.taggedFilter:
            let (match, value) = try textMatch(item)
            guard let key = item["key"]?.string, !key.isEmpty, key.utf8.count <= 200 else { throw Invalid("filters", "Tag filter needs a key.") }
            return .tagged(key: key, match: match, value: value)
        case RuleIDs.attributeFilter:
            let (match, value) = try textMatch(item)
            guard let name = item["attribute"]?.string, !name.isEmpty, name.utf8.count <= 200 else { throw Invalid("filters", "Attribute filter needs an attribute.") }
            return .attribute(name: name, match: match, value: value)
        case RuleIDs.ageFilter:
            let units: [String: Int64] = ["minute": 1, "hour": 60, "day": 1_440, "week": 10_080]
            guard let older = item["comparison_type"]?.string.flatMap({ ["older": true, "newer": false][$0] }),
                  let value = item["value"].flatMap(integer), value >= 0, value <= 1_000_000,
                  let unit = item["time"]?.string.flatMap({ units[$0] }) else {
                throw Invalid("filters", "Age filter needs comparison_type (older, newer), value and time (minute, hour, day, week).")
            }
            return .age(older: older, minutes: value * unit)
        case RuleIDs.occurrencesFilter:
            guard let value = item["value"].flatMap(integer), value >= 0 else { throw Invalid("filters", "Occurrences filter needs a value.") }
            return .occurrences(value)
        case RuleIDs.assignedFilter:
            switch item["targetType"]?.string {
            case "Unassigned": return .assignedTo(nil)
            case "Member", "Team":
                guard let target = item["targetIdentifier"].flatMap(identifier) else { throw Invalid("filters", "Assignee filter needs targetIdentifier.") }
                return .assignedTo((item["targetType"]?.string == "Team" ? "team:" : "user:") + target)
            default: throw Invalid("filters", "Assignee filter needs targetType (Unassigned, Member, Team).")
            }
        case let id: throw Invalid("filters", "Invalid filter: \(clip(id))")
        }
    }

    private static func textMatch(_ item: [String: JSON]) throws(Invalid) -> (TextMatch, String) {
        guard let match = item["match"]?.string.flatMap(TextMatch.init(rawValue:)) else {
            throw Invalid("filters", "Select a valid match (\(TextMatch.allCases.map(\.rawValue).joined(separator: ", "))).")
        }
        let value = item["value"].flatMap(identifier) ?? ""
        guard value.utf8.count <= maxText, !value.isEmpty || match == .isSet || match == .notSet else {
            throw Invalid("filters", "A filter value is required.")
        }
        return (match, value)
    }

    static func action(_ item: [String: JSON]) throws(Invalid) -> RuleAction {
        switch item["id"]?.string ?? "" {
        case RuleIDs.notifyService:
            guard let service = item["service"]?.string, ["webhooks", "mail"].contains(service) else {
                throw Invalid("actions", "Select a valid service (webhooks, mail).")
            }
            return .service(service)
        case RuleIDs.notifySentryApp:
            guard let uuid = item["sentryAppInstallationUuid"]?.string, !uuid.isEmpty, uuid.utf8.count <= 64 else {
                throw Invalid("actions", "Missing sentryAppInstallationUuid.")
            }
            return .sentryApp(installation: uuid)
        case RuleIDs.notifyEmail:
            guard let type = item["targetType"]?.string, ["IssueOwners", "Team", "Member"].contains(type) else {
                throw Invalid("actions", "Email action needs targetType (IssueOwners, Team, Member).")
            }
            let target = item["targetIdentifier"].flatMap(identifier).flatMap { $0.isEmpty ? nil : $0 }
            if type != "IssueOwners" && target == nil { throw Invalid("actions", "Email action needs targetIdentifier.") }
            return .email(targetType: type, targetIdentifier: target)
        case RuleIDs.chat:
            guard let url = item["url"]?.string, url.utf8.count <= 2_048, WebhookURL.isAcceptable(url) else {
                throw Invalid("actions", "Chat action needs an http(s) url.")
            }
            let format = item["format"]?.string.flatMap(ChatFormat.init(rawValue:)) ?? .slack
            return .chat(url: url, format: format)
        case let id: throw Invalid("actions", "Invalid action: \(clip(id))")
        }
    }

    /// An integer from a JSON number or numeric string (Sentry's forms accept both); nil when
    /// not one or out of range.
    static func integer(_ json: JSON) -> Int64? {
        if let int = json.int { return int }
        if let text = json.string, text.utf8.count <= 19 { return Int64(text) }
        return nil
    }

    private static func identifier(_ json: JSON) -> String? {
        if let text = json.string { return text }
        return json.int.map(String.init)
    }

    private static func clip(_ text: String) -> String { String(text.prefix(200)) }

    // MARK: - Encoding

    /// The rule's conditions, filters and actions as Sentry lists them, each with its `id`,
    /// options and a `name` to read.
    public static func items(_ rule: IssueAlertRule) -> (conditions: JSON, filters: JSON, actions: JSON) {
        (.array(rule.conditions.map(encode)), .array(rule.filters.map(encode)), .array(rule.actions.map(encode)))
    }

    /// The stored form: the body `decode` reads back.
    public static func encode(_ rule: IssueAlertRule) -> JSON {
        let (conditions, filters, actions) = items(rule)
        return .object([
            "name": .string(rule.name), "actionMatch": .string(rule.actionMatch.rawValue), "filterMatch": .string(rule.filterMatch.rawValue),
            "frequency": .int(rule.frequencyMinutes), "environment": rule.environment.map(JSON.string) ?? .null,
            "conditions": conditions, "filters": filters, "actions": actions,
        ])
    }

    static func encode(_ condition: RuleCondition) -> JSON {
        switch condition {
        case .firstSeen: ["id": .string(RuleIDs.firstSeen), "name": "A new issue is created"]
        case .regression: ["id": .string(RuleIDs.regression), "name": "The issue changes state from resolved to unresolved"]
        case .reappeared: ["id": .string(RuleIDs.reappeared), "name": "The issue changes state from archived to escalating"]
        case .everyEvent: ["id": .string(RuleIDs.everyEvent), "name": "The event occurs"]
        case .highPriority: ["id": .string(RuleIDs.highPriority), "name": "Sentry marks a new issue as high priority"]
        case .eventFrequency(let value, let interval):
            ["id": .string(RuleIDs.eventFrequency), "value": .int(value), "interval": .string(interval.rawValue), "comparisonType": "count",
             "name": .string("The issue is seen more than \(value) times in \(interval.rawValue)")]
        case .userFrequency(let value, let interval):
            ["id": .string(RuleIDs.userFrequency), "value": .int(value), "interval": .string(interval.rawValue), "comparisonType": "count",
             "name": .string("The issue is seen by more than \(value) users in \(interval.rawValue)")]
        }
    }

    static func encode(_ filter: RuleFilter) -> JSON {
        switch filter {
        case .level(let comparison, let level):
            ["id": .string(RuleIDs.levelFilter), "match": .string(comparison.rawValue), "level": .string(String(level)),
             "name": .string("The event's level is \(comparison.rawValue) \(AlertLevel.name(level) ?? String(level))")]
        case .tagged(let key, let match, let value):
            ["id": .string(RuleIDs.taggedFilter), "key": .string(key), "match": .string(match.rawValue), "value": .string(value),
             "name": .string("The event's tags match \(key) \(match.rawValue) \(value)")]
        case .attribute(let name, let match, let value):
            ["id": .string(RuleIDs.attributeFilter), "attribute": .string(name), "match": .string(match.rawValue), "value": .string(value),
             "name": .string("The event's \(name) value \(match.rawValue) \(value)")]
        case .age(let older, let minutes):
            ["id": .string(RuleIDs.ageFilter), "comparison_type": .string(older ? "older" : "newer"), "value": .int(minutes), "time": "minute",
             "name": .string("The issue is \(older ? "older" : "newer") than \(minutes) minutes")]
        case .occurrences(let value):
            ["id": .string(RuleIDs.occurrencesFilter), "value": .int(value), "name": .string("The issue has happened at least \(value) times")]
        case .assignedTo(let target):
            switch target {
            case nil: ["id": .string(RuleIDs.assignedFilter), "targetType": "Unassigned", "name": "The issue is unassigned"]
            case let target?:
                ["id": .string(RuleIDs.assignedFilter), "targetType": .string(target.hasPrefix("team:") ? "Team" : "Member"),
                 "targetIdentifier": .string(String(target.drop(while: { $0 != ":" }).dropFirst())),
                 "name": .string("The issue is assigned to \(target)")]
            }
        }
    }

    static func encode(_ action: RuleAction) -> JSON {
        switch action {
        case .service(let service):
            ["id": .string(RuleIDs.notifyService), "service": .string(service), "name": .string("Send a notification via \(service)")]
        case .sentryApp(let installation):
            ["id": .string(RuleIDs.notifySentryApp), "sentryAppInstallationUuid": .string(installation), "hasSchemaFormConfig": false,
             "name": "Send a notification via an integration"]
        case .email(let type, let target):
            ["id": .string(RuleIDs.notifyEmail), "targetType": .string(type), "targetIdentifier": target.map(JSON.string) ?? .null,
             "fallthroughType": "ActiveMembers", "name": .string("Send a notification to \(type)")]
        case .chat(let url, let format):
            ["id": .string(RuleIDs.chat), "url": .string(url), "format": .string(format.rawValue), "name": .string("Post to a \(format.rawValue) webhook")]
        }
    }
}

/// Which webhook URLs are taken: http(s) with a host, no whitespace or control characters.
public enum WebhookURL {
    public static func isAcceptable(_ text: String) -> Bool {
        guard text.utf8.count <= 2_048, !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }),
              let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { return false }
        return true
    }

    /// The WebHooks plugin's `urls`: one per line; blank lines dropped; at most 20.
    public static func lines(_ text: String) throws(RuleCodec.Invalid) -> [String] {
        let urls = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard urls.count <= 20 else { throw RuleCodec.Invalid("urls", "At most 20 URLs.") }
        for url in urls where !isAcceptable(url) { throw RuleCodec.Invalid("urls", "Not a valid URL: \(url.prefix(200))") }
        return urls
    }
}
