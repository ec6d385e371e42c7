import EventModel

/// A stored event's `_meta` in the layout of Sentry's events API: each part of the meta beside the
/// part of the response it describes, `entries` by the entry's index (`{"0": {"data": …}}`), then
/// `message`, `user`, `contexts`, `sdk`, `context` (extra), `packages` (modules) and `tags` (by
/// the index of the tag in the response's sorted list: `{"3": {"value": …}}`). Inside an entry
/// the keys are renamed as its data is (`query_string` → `query`, frames in camelCase).
///
/// The stored `_meta` is read leniently through `EventMeta` (what is not in Sentry's shape is
/// dropped), so whatever a stored row holds renders without trapping, in space linear in it.
/// What the API has no place for (the event's level, release, environment, dist and logger; the
/// root) stays in the stored payload only, as in Sentry.
enum EventMetaJSON {
    static func api(_ payload: [String: JSON], entryTypes: [String], tagKeys: [String]) -> JSON {
        let meta = payload["_meta"].map(EventMeta.init(json:)) ?? EventMeta()
        var entries: [String: JSON] = [:]
        for (index, type) in entryTypes.enumerated() {
            if let data = entryMeta(type, meta) { entries[String(index)] = .object(["data": data]) }
        }
        var tags: [String: JSON] = [:]
        let tagsMeta = meta[["tags"]]
        for (index, key) in tagKeys.enumerated() {
            if let value = tagsMeta[[key]].json() { tags[String(index)] = .object(["value": value]) }
        }
        let message = meta[["logentry", "formatted"]].json() ?? meta[["logentry", "message"]].json()
        return .object([
            "entries": .object(entries),
            "message": message ?? .null,
            "user": meta[["user"]].json() ?? .null,
            "contexts": meta[["contexts"]].json() ?? .null,
            "sdk": meta[["sdk"]].json() ?? .null,
            "context": meta[["extra"]].json() ?? .null,
            "packages": meta[["modules"]].json() ?? .null,
            "tags": tags.isEmpty ? .null : .object(tags),
        ])
    }

    /// The meta of one entry's data, its keys as the entry names them.
    static func entryMeta(_ type: String, _ meta: EventMeta) -> JSON? {
        switch type {
        case "exception":
            return renamed(meta[["exception"]]) { path in
                // values.N.<field>, values.N.stacktrace.frames.M.<field>
                path.count == 3 && path[0] == "values" ? (exceptionNames[path[2]] ?? path[2]) : frameName(path, depth: 5)
            }
        case "threads":
            return renamed(meta[["threads"]]) { frameName($0, depth: 5) }
        case "stacktrace":
            return renamed(meta[["stacktrace"]]) { frameName($0, depth: 3) }
        case "message":
            return meta[["logentry"]].json()
        case "breadcrumbs":
            return meta[["breadcrumbs"]].json()
        case "request":
            return renamed(meta[["request"]]) { path in path.count == 1 && path[0] == "query_string" ? "query" : path[path.count - 1] }
        default:
            return nil
        }
    }

    static let exceptionNames = ["thread_id": "threadId", "raw_stacktrace": "rawStacktrace"]
    static let frameNames = ["abs_path": "absPath", "in_app": "inApp", "lineno": "lineNo", "colno": "colNo",
                             "raw_function": "rawFunction", "instruction_addr": "instructionAddr", "symbol_addr": "symbolAddr",
                             "image_addr": "imageAddr"]

    /// A frame field (`frames.M.<field>` ending a path of `depth` keys) in camelCase; any other key unchanged.
    static func frameName(_ path: [String], depth: Int) -> String {
        let key = path[path.count - 1]
        guard path.count == depth, path[path.count - 3] == "frames" else { return key }
        return frameNames[key] ?? key
    }

    /// The tree's JSON with each child's key given by `name(path to it)`. Iterative over an explicit
    /// stack would be no shallower: the tree's depth is bounded by the JSON parser that read it.
    static func renamed(_ meta: EventMeta, _ name: ([String]) -> String) -> JSON? {
        func render(_ node: EventMeta, _ path: [String]) -> JSON? {
            var members: [String: JSON] = [:]
            if let own = node.entry.json() { members[""] = own }
            for (key, child) in node.children {
                let childPath = path + [key]
                if let value = render(child, childPath) { members[name(childPath)] = value }
            }
            return members.isEmpty ? nil : .object(members)
        }
        return render(meta, [])
    }
}
