import Foundation

/// Gives scanned terms their meaning: which key is which filter, and what its values say.
enum SearchTermInterpreter {
    private enum Key {
        case status, level, release, firstRelease, environment, assigned, assignedOrSuggested, has, firstSeen, lastSeen, timesSeen,
             userEmail, message
    }

    /// Reserved keys and their spellings; any other key names a tag.
    private static let keys: [String: Key] = [
        "is": .status, "level": .level, "release": .release, "firstRelease": .firstRelease, "first_release": .firstRelease,
        "environment": .environment, "assigned": .assigned, "assigned_or_suggested": .assignedOrSuggested, "has": .has,
        "firstSeen": .firstSeen, "first_seen": .firstSeen, "age": .firstSeen,
        "lastSeen": .lastSeen, "last_seen": .lastSeen,
        "timesSeen": .timesSeen, "times_seen": .timesSeen,
        "user.email": .userEmail, "message": .message,
    ]

    private static let isValues: [String: SearchFilter] = [
        "unresolved": .status([.unresolved]), "resolved": .status([.resolved]), "ignored": .status([.ignored]),
        "archived": .status([.ignored]), "muted": .status([.ignored]),
        "assigned": .isAssigned(true), "unassigned": .isAssigned(false),
        "new": .substatus([.new]), "ongoing": .substatus([.ongoing]),
        "regressed": .substatus([.regressed]), "escalating": .substatus([.escalating]),
    ]

    static func interpret(_ scanned: ScannedTerm, now: Date) throws(SearchError) -> SearchTerm {
        guard let name = scanned.key else {
            return SearchTerm(filter: .text(SearchValue(pattern: scanned.values[0].text)), position: scanned.position)
        }
        let key = scanned.explicitTag ? nil : keys[name]
        guard !scanned.values.isEmpty else {
            // `TypeError: boom` pasted from a title is free text; `level: error` is a mistake.
            guard key == nil, !scanned.explicitTag else {
                throw SearchError(position: scanned.valuePosition,
                                  "Missing value for \"\(scanned.writtenKey)\"")
            }
            return SearchTerm(filter: .text(SearchValue(pattern: scanned.written)), position: scanned.position)
        }
        var term = SearchTerm(filter: .text(SearchValue("")), negated: scanned.negated, key: scanned.writtenKey,
                              position: scanned.position)
        let values = scanned.values
        switch key {
        case nil:
            // `tag:""` asks for issues without the tag, as in Sentry.
            if values.count == 1, values[0].quoted, values[0].text.isEmpty, !scanned.isList {
                term.filter = .hasTag(name)
                term.negated.toggle()
            } else {
                term.filter = .tag(key: name, values: values.map(pattern))
            }
        case .status?:
            term.filter = try isFilter(values, listPosition: scanned.valuePosition)
        case .level?:
            term.filter = .level(values.map(pattern))
        case .release?:
            term.filter = .release(values.map(release))
        case .firstRelease?:
            term.filter = .firstRelease(values.map(release))
        case .environment?:
            term.filter = .environment(values.map(pattern))
        case .assigned?:
            term.filter = .assignedTo(values.map(assignee))
        case .assignedOrSuggested?:
            term.filter = .assignedOrSuggested(values.map(assignee))
        case .userEmail?:
            term.filter = .userEmail(values.map(pattern))
        case .has?:
            let value = try single(scanned)
            var tag = SearchValue(pattern: value.text).text
            if tag.hasPrefix("tags["), tag.hasSuffix("]"), tag.count > 6 { tag = String(tag.dropFirst(5).dropLast()) }
            guard !tag.isEmpty else { throw SearchError(position: value.position, "Missing tag name for \"has\"") }
            term.filter = .hasTag(tag)
        case .firstSeen?:
            term.filter = .firstSeen(try SearchDateParser.range(try single(scanned), key: name, now: now))
        case .lastSeen?:
            term.filter = .lastSeen(try SearchDateParser.range(try single(scanned), key: name, now: now))
        case .timesSeen?:
            let (comparison, number) = try SearchNumberParser.comparison(try single(scanned), key: name)
            term.filter = .timesSeen(comparison, number)
        case .message?:
            term.filter = .text(SearchValue(pattern: try single(scanned).text))
        }
        return term
    }

    private static func pattern(_ value: ScannedValue) -> SearchValue { SearchValue(pattern: value.text) }

    private static func release(_ value: ScannedValue) -> SearchRelease {
        value.text == "latest" ? .latest : .version(SearchValue(pattern: value.text))
    }

    private static func assignee(_ value: ScannedValue) -> SearchAssignee {
        switch value.text.lowercased() {
        case "me": return .me
        case "none": return .none
        case "my_teams": return .myTeams
        case let text where text.hasPrefix("#") && text.count > 1: return .team(String(text.dropFirst()))
        default: return .email(SearchValue(pattern: value.text))
        }
    }

    private static func single(_ scanned: ScannedTerm) throws(SearchError) -> ScannedValue {
        guard !scanned.isList else {
            throw SearchError(position: scanned.valuePosition, "\"\(scanned.writtenKey)\" does not accept a list of values")
        }
        return scanned.values[0]
    }

    /// `is:` values; a list (`is:[resolved, ignored]`) may only hold statuses or only substatuses.
    private static func isFilter(_ values: [ScannedValue], listPosition: Int) throws(SearchError) -> SearchFilter {
        var filters: [SearchFilter] = []
        for value in values {
            guard let filter = isValues[value.text.lowercased()] else {
                let valid = isValues.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
                throw SearchError(position: value.position, #"Invalid value for "is" search, valid values are ["# + valid + "]")
            }
            filters.append(filter)
        }
        if filters.count == 1 { return filters[0] }
        let kinds = Set(filters.map(kind))
        guard kinds.count == 1, !kinds.contains(2) else {
            throw SearchError(position: listPosition,
                              "An \"is\" list may hold statuses (unresolved, resolved, ignored) or substatuses (new, ongoing, regressed, escalating), not both or other values")
        }
        var statuses: [SearchIssueStatus] = [], substatuses: [SearchIssueSubstatus] = []
        for filter in filters {
            switch filter {
            case .status(let some): statuses += some.filter { !statuses.contains($0) }
            case .substatus(let some): substatuses += some.filter { !substatuses.contains($0) }
            default: break
            }
        }
        return statuses.isEmpty ? .substatus(substatuses) : .status(statuses)
    }

    private static func kind(_ filter: SearchFilter) -> Int {
        switch filter {
        case .status: return 0
        case .substatus: return 1
        default: return 2
        }
    }
}
