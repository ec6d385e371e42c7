/// Sentry's `_meta`: what normalization and data scrubbing changed or removed in an event, kept
/// beside the event by path, in the shape Sentry stores and its API returns:
/// `{"user": {"ip_address": {"": {"rem": [["@ip:replace", "s", 0, 4]], "len": 9}}}}`.
/// A node's own entry sits under the empty key; children under their key (array elements under
/// their index as decimal text). Pure value; parsing a stored `_meta` is lenient and bounded.
public struct EventMeta: Sendable, Equatable {
    /// One change a rule made: Sentry's remark `[rule_id, type]` or `[rule_id, type, start, end]`.
    public struct Remark: Sendable, Equatable {
        public enum Kind: String, Sendable {
            case annotated = "a", removed = "x", substituted = "s", masked = "m", pseudonymized = "p", encrypted = "e"
        }

        public var ruleID: String
        public var kind: Kind
        /// The changed part of the new value, in Unicode scalar offsets as Sentry counts them.
        public var range: Range<Int>?

        public init(_ ruleID: String, _ kind: Kind, range: Range<Int>? = nil) {
            self.ruleID = ruleID
            self.kind = kind
            self.range = range
        }
    }

    /// A problem normalization found in a value: Sentry's error `"invalid_data"` or
    /// `["invalid_data", {"reason": "…"}]`.
    public struct Problem: Sendable, Equatable {
        public var kind: String
        public var data: [String: JSON]

        public init(_ kind: String, data: [String: JSON] = [:]) {
            self.kind = kind
            self.data = data
        }

        public static func invalidData(_ reason: String? = nil) -> Problem {
            Problem("invalid_data", data: reason.map { ["reason": .string($0)] } ?? [:])
        }
    }

    /// What is recorded about one value.
    public struct Entry: Sendable, Equatable {
        public var remarks: [Remark] = []
        public var errors: [Problem] = []
        /// The original length (characters of a string, elements of an array or object) before a
        /// change.
        public var originalLength: Int?
        /// The original value, where Sentry keeps it (an invalid value it removed).
        public var originalValue: JSON?

        public init() {}

        public var isEmpty: Bool { remarks.isEmpty && errors.isEmpty && originalLength == nil && originalValue == nil }
    }

    public var entry = Entry()
    public private(set) var children: [String: EventMeta] = [:]

    public init() {}

    public var isEmpty: Bool { entry.isEmpty && children.values.allSatisfy(\.isEmpty) }

    /// The meta of the value at `path` (empty if nothing is recorded there).
    public subscript(path: [String]) -> EventMeta {
        get {
            var node = self
            for key in path {
                guard let child = node.children[key] else { return EventMeta() }
                node = child
            }
            return node
        }
        set { update(path[...]) { $0 = newValue } }
    }

    /// Changes the entry of the value at `path`, creating the nodes on the way.
    public mutating func withEntry(at path: [String], _ body: (inout Entry) -> Void) {
        update(path[...]) { body(&$0.entry) }
    }

    public mutating func addRemark(_ remark: Remark, at path: [String], originalLength: Int? = nil) {
        withEntry(at: path) { entry in
            entry.remarks.append(remark)
            if entry.originalLength == nil { entry.originalLength = originalLength }
        }
    }

    public mutating func addError(_ error: Problem, at path: [String], originalValue: JSON? = nil) {
        withEntry(at: path) { entry in
            entry.errors.append(error)
            if entry.originalValue == nil { entry.originalValue = originalValue }
        }
    }

    /// The same tree without any original value (`val`).
    public func withoutOriginalValues() -> EventMeta {
        var copy = self
        copy.entry.originalValue = nil
        copy.children = children.mapValues { $0.withoutOriginalValues() }
        return copy
    }

    /// Adds everything `other` records, under `prefix`.
    public mutating func merge(_ other: EventMeta, at prefix: [String] = []) {
        update(prefix[...]) { node in node.absorb(other) }
    }

    private mutating func absorb(_ other: EventMeta) {
        entry.remarks += other.entry.remarks
        entry.errors += other.entry.errors
        if entry.originalLength == nil { entry.originalLength = other.entry.originalLength }
        if entry.originalValue == nil { entry.originalValue = other.entry.originalValue }
        for (key, child) in other.children { children[key, default: EventMeta()].absorb(child) }
    }

    private mutating func update(_ path: ArraySlice<String>, _ body: (inout EventMeta) -> Void) {
        guard let key = path.first else { return body(&self) }
        var child = children.removeValue(forKey: key) ?? EventMeta()
        child.update(path.dropFirst(), body)
        children[key] = child
    }

    // MARK: - Sentry's JSON shape

    /// The `_meta` object, or nil when nothing is recorded.
    public func json() -> JSON? {
        var members: [String: JSON] = [:]
        if let own = entry.json() { members[""] = own }
        for (key, child) in children { if let value = child.json() { members[key] = value } }
        return members.isEmpty ? nil : .object(members)
    }

    /// Reads a stored `_meta`; what is not in Sentry's shape is ignored. Nesting is bounded by the
    /// JSON parser that made `json`.
    public init(json: JSON) {
        guard case .object(let members) = json else { return }
        for (key, value) in members {
            if key.isEmpty { entry = Entry(json: value) } else {
                let child = EventMeta(json: value)
                if !child.isEmpty { children[key] = child }
            }
        }
    }
}

extension EventMeta.Entry {
    /// The entry in Sentry's shape (`rem`, `err`, `len`, `val`), nil when empty.
    public func json() -> JSON? {
        var members: [String: JSON] = [:]
        if !remarks.isEmpty {
            members["rem"] = .array(remarks.map { remark in
                var parts: [JSON] = [.string(remark.ruleID), .string(remark.kind.rawValue)]
                if let range = remark.range { parts += [.int(Int64(range.lowerBound)), .int(Int64(range.upperBound))] }
                return .array(parts)
            })
        }
        if !errors.isEmpty {
            members["err"] = .array(errors.map { error in
                error.data.isEmpty ? .string(error.kind) : .array([.string(error.kind), .object(error.data)])
            })
        }
        if let originalLength { members["len"] = .int(Int64(originalLength)) }
        if let originalValue { members["val"] = originalValue }
        return members.isEmpty ? nil : .object(members)
    }

    init(json: JSON) {
        self.init()
        guard case .object(let members) = json else { return }
        for case .array(let parts) in members["rem"]?.array ?? [] {
            guard parts.count >= 2, let rule = parts[0].string, let kind = parts[1].string.flatMap(EventMeta.Remark.Kind.init) else { continue }
            var range: Range<Int>?
            if parts.count >= 4, let start = parts[2].int, let end = parts[3].int, start >= 0, end >= start, end <= Int64(Int32.max) {
                range = Int(start)..<Int(end)
            }
            remarks.append(EventMeta.Remark(rule, kind, range: range))
        }
        for error in members["err"]?.array ?? [] {
            switch error {
            case .string(let kind): errors.append(EventMeta.Problem(kind))
            case .array(let parts):
                guard let kind = parts.first?.string else { continue }
                errors.append(EventMeta.Problem(kind, data: parts.count > 1 ? parts[1].object ?? [:] : [:]))
            default: continue
            }
        }
        if let length = members["len"]?.int, length >= 0, length <= Int64(Int32.max) { originalLength = Int(length) }
        if let value = members["val"] { originalValue = value }
    }
}
