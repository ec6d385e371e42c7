/// One node of a grouping tree (Sentry's "grouping component"): a leaf holds values (a module, a
/// function…), a branch holds components (frame, stacktrace, exception…). Only contributing
/// nodes feed the hash, so a tree also explains *why* a value was left out (`hint`).
public struct GroupingComponent: Sendable, Equatable {
    public var id: String
    public var values: [String]
    public var children: [GroupingComponent]
    public var contributes: Bool
    public var hint: String?

    /// A leaf contributes when it has a value, as in Sentry (an empty string still counts).
    public static func leaf(_ id: String, _ values: [String], hint: String? = nil) -> GroupingComponent {
        GroupingComponent(id: id, values: values, children: [], contributes: !values.isEmpty, hint: hint)
    }

    /// A branch contributes when any child does.
    public static func node(_ id: String, _ children: [GroupingComponent], hint: String? = nil) -> GroupingComponent {
        GroupingComponent(id: id, values: [], children: children, contributes: children.contains(where: \.contributes), hint: hint)
    }

    mutating func ignore(_ hint: String?) {
        contributes = false
        if let hint { self.hint = hint }
    }

    /// The contributing values in tree order: what the hash is computed from.
    public var contributingValues: [String] {
        guard contributes else { return [] }
        return values + children.flatMap(\.contributingValues)
    }

    func contains(_ id: String, where predicate: (GroupingComponent) -> Bool) -> Bool {
        children.contains { ($0.id == id && predicate($0)) || $0.contains(id, where: predicate) }
    }

    /// An indented rendering for `faultline group --variants`: `*` marks contributing nodes.
    public func rendered(indent: Int = 0) -> [String] {
        let pad = String(repeating: "  ", count: indent)
        var lines = ["\(pad)\(id)\(contributes ? "*" : "")\(hint.map { " (\($0))" } ?? "")"]
        for value in values { lines.append("\(pad)  \"\(value)\"") }
        for child in children { lines.append(contentsOf: child.rendered(indent: indent + 1)) }
        return lines
    }
}
