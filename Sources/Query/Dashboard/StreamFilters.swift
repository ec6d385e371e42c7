/// The issue stream's pickers and status tabs (pure): which `is:` terms a tab puts in the search,
/// and the sort and period choices, as Sentry's stream offers them.
enum StreamFilters {
    struct Tab { let label: String; let terms: String }

    /// Sentry's tabs. "For review" is approximated by the substatuses an issue has while it
    /// needs a look (new, regressed, escalating): there is no inbox table here.
    static let tabs = [
        Tab(label: "Unresolved", terms: "is:unresolved"),
        Tab(label: "For review", terms: "is:unresolved is:[new,regressed,escalating]"),
        Tab(label: "Regressed", terms: "is:regressed"),
        Tab(label: "Escalating", terms: "is:escalating"),
        Tab(label: "Ignored", terms: "is:ignored"),
        Tab(label: "Resolved", terms: "is:resolved"),
    ]

    static let sorts = [("date", "Last seen"), ("new", "First seen"), ("freq", "Events"), ("user", "Users")]

    /// Period choices (`statsPeriod`; empty: any time).
    static let periods = [("", "Any time"), ("1h", "Last hour"), ("24h", "Last 24 hours"), ("7d", "Last 7 days"),
                          ("14d", "Last 14 days"), ("30d", "Last 30 days"), ("90d", "Last 90 days")]

    /// A search's terms, split on spaces outside double quotes (linear).
    static func terms(_ query: String) -> [String] {
        var terms: [String] = [], current = "", quoted = false, escaped = false
        for character in query {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\" where quoted: current.append(character); escaped = true
            case "\"": current.append(character); quoted.toggle()
            case _ where !quoted && character.isWhitespace:
                if !current.isEmpty { terms.append(current); current = "" }
            default: current.append(character)
            }
        }
        if !current.isEmpty { terms.append(current) }
        return terms
    }

    /// The search with its `is:` terms replaced by a tab's.
    static func query(_ query: String, tab: Tab) -> String {
        ([tab.terms] + terms(query).filter { !isStatusTerm($0) }).joined(separator: " ")
    }

    /// The tab whose terms are the search's `is:` terms, if any.
    static func currentTab(_ query: String) -> Int? {
        let status = terms(query).filter(isStatusTerm).joined(separator: " ")
        return tabs.firstIndex { $0.terms == status }
    }

    private static func isStatusTerm(_ term: String) -> Bool { term.hasPrefix("is:") || term.hasPrefix("!is:") }
}
