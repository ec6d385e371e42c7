import EventModel

/// Sentry's size limits, applied before anything expensive (scrubbing, grouping) reads the
/// event, so the work per event is bounded by the limits and not by what a client sent. Pure.
///
/// - Strings with a `max_chars` in Sentry's schema: longer than limit + allowance → the first
///   limit − 3 characters and `...` (culprit, transaction 200; logger 64; environment 64;
///   server_name, site, exception type/module, frame function/symbol 256 (+20); frame
///   abs_path/filename 256 (+40); `logentry.formatted`/`message` and exception values 8,192 (+200)).
/// - Data bags (relay's `BagSize`): `extra` ≤ depth 7 / 262,144 bytes with each value ≤ 16,384
///   bytes; each context ≤ depth 7 / 8,192 bytes; `modules` ≤ depth 7 / 8,192; frame `vars` ≤
///   depth 3 / 1,024. Members are kept in key order until the budget is spent; a container at
///   the last level becomes its JSON text; strings are cut to the budget left.
/// - Stack traces keep their last 250 frames (relay's hard frame limit).
///
/// A string cut at the event's top level, in the message or in an exception is recorded in `meta`
/// as Sentry does: `["!limit", "s", start, end]` around the `...` (UTF-8 offsets, as Sentry
/// reports them) and its original length in characters.
enum EventTrimming {
    struct Limit {
        let chars: Int
        let allowance: Int
    }

    static let culprit = Limit(chars: 200, allowance: 0)
    static let logger = Limit(chars: 64, allowance: 0)
    static let environment = Limit(chars: 64, allowance: 0)
    static let symbol = Limit(chars: 256, allowance: 20)
    static let path = Limit(chars: 256, allowance: 40)
    static let message = Limit(chars: 8192, allowance: 200)
    static let maxFrames = 250

    struct Bag {
        let depth: Int
        let bytes: Int
    }

    static let massive = Bag(depth: 7, bytes: 262_144)
    static let larger = Bag(depth: 7, bytes: 16_384)
    static let large = Bag(depth: 7, bytes: 8192)
    static let small = Bag(depth: 3, bytes: 1024)

    static func apply(_ event: inout [String: JSON], meta: inout EventMeta) {
        for (key, limit) in [("culprit", culprit), ("transaction", culprit), ("logger", logger), ("environment", environment),
                             ("server_name", symbol), ("site", symbol)] {
            if case .string(let text)? = event[key] { event[key] = .string(trim(text, limit, meta: &meta, at: [key])) }
        }
        if case .object(var entry)? = event["logentry"] {
            for key in ["formatted", "message"] {
                if case .string(let text)? = entry[key] { entry[key] = .string(trim(text, message, meta: &meta, at: ["logentry", key])) }
            }
            event["logentry"] = .object(entry)
        }
        if case .object(let extra)? = event["extra"] {
            var budget = massive.bytes
            var trimmed: [String: JSON] = [:]
            for key in extra.keys.sorted() {
                guard budget > 0, let value = extra[key] else { break }
                // Each value is also a bag of its own (relay's `ExtraValue`): the smaller budget rules.
                var inner = min(budget, larger.bytes)
                let before = inner
                if let kept = trimBag(value, depthLeft: massive.depth - 1, budget: &inner, meta: &meta, at: ["extra", key]) {
                    trimmed[key] = kept
                }
                budget = max(0, budget - (before - inner) - 1)
            }
            if trimmed.count < extra.count { meta.withEntry(at: ["extra"]) { $0.originalLength = extra.count } }
            event["extra"] = .object(trimmed)
        }
        if case .object(var contexts)? = event["contexts"] {
            for (name, context) in contexts {
                var budget = large.bytes
                contexts[name] = trimBag(context, depthLeft: large.depth, budget: &budget, meta: &meta, at: ["contexts", name])
            }
            event["contexts"] = .object(contexts)
        }
        if let modules = event["modules"], modules.object != nil {
            var budget = large.bytes
            event["modules"] = trimBag(modules, depthLeft: large.depth, budget: &budget, meta: &meta, at: ["modules"])
        }
        // Exception `type` and `module`: 256 characters (+20), `value` 8,192 (+200), as `sentry-relay` trims them.
        if case .object(var exception)? = event["exception"], case .array(let values)? = exception["values"] {
            exception["values"] = .array(values.enumerated().map { index, value in
                guard case .object(var members) = value else { return value }
                for (key, limit) in [("type", symbol), ("module", symbol), ("value", message)] {
                    if case .string(let text)? = members[key] {
                        members[key] = .string(trim(text, limit, meta: &meta, at: ["exception", "values", String(index), key]))
                    }
                }
                return .object(members)
            })
            event["exception"] = .object(exception)
        }
        EventCleanup.mapStacktraces(&event) { stacktrace in
            guard case .array(var frames)? = stacktrace["frames"] else { return }
            if frames.count > maxFrames { frames.removeFirst(frames.count - maxFrames) }
            stacktrace["frames"] = .array(frames.map(trimFrame))
        }
    }

    static func trimFrame(_ frame: JSON) -> JSON {
        guard case .object(var members) = frame else { return frame }
        for (key, limit) in [("function", symbol), ("raw_function", symbol), ("symbol", symbol), ("abs_path", path), ("filename", path)] {
            if case .string(let text)? = members[key] { members[key] = .string(trim(text, limit)) }
        }
        if let vars = members["vars"] {
            var budget = small.bytes
            // Sentry 0.10.1 records nothing about frame variables it trims.
            var unrecorded = EventMeta()
            members["vars"] = trimBag(vars, depthLeft: small.depth, budget: &budget, meta: &unrecorded, at: [])
        }
        return .object(members)
    }

    /// Relay's string trimming: untouched up to limit + allowance characters, else the first
    /// limit − 3 and `...`. Counts Unicode scalars, as relay counts chars.
    static func trim(_ text: String, _ limit: Limit) -> String {
        // The UTF-8 length bounds the scalar count: most texts are decided without counting.
        guard text.utf8.count > limit.chars + limit.allowance,
              text.unicodeScalars.count > limit.chars + limit.allowance else { return text }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: text.unicodeScalars.prefix(max(0, limit.chars - 3)))
        return String(kept) + "..."
    }

    /// `trim`, recording a cut at `path` as Sentry's `!limit` remark with the original length.
    static func trim(_ text: String, _ limit: Limit, meta: inout EventMeta, at path: [String]) -> String {
        let trimmed = trim(text, limit)
        if trimmed != text {
            let kept = trimmed.utf8.count - 3
            meta.addRemark(.init("!limit", .substituted, range: kept..<(kept + 3)), at: path, originalLength: text.unicodeScalars.count)
        }
        return trimmed
    }

    /// A value inside a data bag, with `depthLeft` levels and `budget` bytes left (spent as
    /// relay estimates JSON size); nil when nothing of it fits.
    /// A string cut is recorded at `path` (`!limit`), a container that lost members with its
    /// original count (`len`), as Sentry records them.
    static func trimBag(_ value: JSON, depthLeft: Int, budget: inout Int, meta: inout EventMeta, at path: [String]) -> JSON? {
        guard depthLeft > 0, budget > 0 else { return nil }
        let result: JSON
        switch value {
        case .string(let text):
            result = .string(trim(text, Limit(chars: budget, allowance: 0), meta: &meta, at: path))
        case .array(let items) where depthLeft == 1:
            result = .string(trim(JSON.array(items).encodedString(), Limit(chars: budget, allowance: 0)))
        case .object(let members) where depthLeft == 1:
            result = .string(trim(JSON.object(members).encodedString(), Limit(chars: budget, allowance: 0)))
        case .array(let items):
            var kept: [JSON] = []
            for (index, item) in items.enumerated() {
                guard budget > 0 else { break }
                if let trimmed = trimBag(item, depthLeft: depthLeft - 1, budget: &budget, meta: &meta, at: path + [String(index)]) {
                    kept.append(trimmed)
                }
            }
            if kept.count < items.count { meta.withEntry(at: path) { $0.originalLength = items.count } }
            result = .array(kept)
        case .object(let members):
            var kept: [String: JSON] = [:]
            for key in members.keys.sorted() {
                guard budget > 0, let member = members[key] else { break }
                if let trimmed = trimBag(member, depthLeft: depthLeft - 1, budget: &budget, meta: &meta, at: path + [key]) {
                    kept[key] = trimmed
                }
            }
            if kept.count < members.count { meta.withEntry(at: path) { $0.originalLength = members.count } }
            result = .object(kept)
        default:
            result = value
        }
        budget = max(0, budget - flatSize(result) - 1)
        return result
    }

    /// JSON size of a value without its members (containers count their brackets).
    static func flatSize(_ value: JSON) -> Int {
        switch value {
        case .null: return 4
        case .bool(let flag): return flag ? 4 : 5
        case .int(let number): return String(number).utf8.count
        case .double(let number): return String(number).utf8.count
        case .string(let text): return text.utf8.count + 2
        case .array, .object: return 2
        }
    }
}
