import Crypto
import EventModel

/// Applies a PII config to an event as Sentry's `pii_strip_event` does: every value a selector
/// picks is passed through that selector's rules in order; strings are changed where a rule
/// finds something, other values (numbers, objects, lists) are removed when a rule takes them
/// whole. Each change is recorded in the event's `_meta` as Sentry records it
/// (`rem: [["@email", "s", 3, 10]]`, `len`). Pure; linear in the event times the rules.
public struct PiiProcessor: Sendable {
    let config: CompiledPiiConfig

    public init(_ config: CompiledPiiConfig) { self.config = config }

    public func process(_ event: inout [String: JSON], meta: inout EventMeta) {
        guard !config.isEmpty else { return }
        var steps: [PiiPathStep] = []
        var metaPath: [String] = []
        for key in event.keys.sorted() {
            guard var value = event[key] else { continue }
            let (schema, pii) = PiiSchema.event.child(key)
            if visit(&value, schema: schema, pii: pii, key: key, index: nil, &steps, &metaPath, metaKey: key, &meta) {
                event[key] = value
            }
        }
    }

    /// Processes one value; true when it changed.
    private func visit(_ value: inout JSON, schema: PiiSchema, pii: PiiSchema.Pii, key: String?, index: Int?,
                       _ steps: inout [PiiPathStep], _ metaPath: inout [String], metaKey: String, _ meta: inout EventMeta) -> Bool {
        var types = schema.structType
        switch value {
        case .string: types.insert(PiiValueTypes(.string))
        case .int, .double: types.insert(PiiValueTypes(.number))
        case .bool: types.insert(PiiValueTypes(.boolean))
        case .object: if schema.isFreeForm { types.insert(PiiValueTypes(.object)) }
        case .array: if schema.isFreeForm { types.insert(PiiValueTypes(.array)) }
        case .null: return false
        }
        steps.append(PiiPathStep(key: key, index: index, types: types))
        metaPath.append(metaKey)
        defer {
            steps.removeLast()
            metaPath.removeLast()
        }
        var changed = false
        let isContainer: Bool
        switch value {
        case .object, .array: isContainer = true
        default: isContainer = false
        }
        if pii != .no, !isContainer || schema.isFreeForm {
            for (selector, rules) in config.applications where (pii == .yes || selector.isSpecific) && selector.matches(steps) {
                for rule in rules {
                    if apply(rule, idOverride: nil, to: &value, key: key, metaPath, &meta) { changed = true }
                    if value.isNull { return true }
                }
            }
        }
        switch value {
        case .object(var members):
            var childChanged = false
            for name in members.keys.sorted() {
                guard var child = members[name] else { continue }
                let (childSchema, childPii) = schema.child(name)
                if visit(&child, schema: childSchema, pii: childPii, key: name, index: nil, &steps, &metaPath, metaKey: name, &meta) {
                    members[name] = child
                    childChanged = true
                }
            }
            if childChanged { value = .object(members); changed = true }
        case .array(var items):
            var childChanged = false
            // Header-like lists, and free-form lists of `[name, value]` pairs (Sentry's pair lists).
            let pairList = schema == .pairs || (schema == .free && !items.isEmpty && items.allSatisfy { item in
                if case .array(let pair) = item, pair.count == 2, pair[0].string != nil { return true }
                return false
            })
            for position in items.indices {
                var child = items[position]
                if pairList, case .array(var pair) = child, pair.count == 2, let name = pair[0].string {
                    // A pair's value is addressed by the pair's name; its `_meta` by position.
                    metaPath.append(String(position))
                    var pairValue = pair[1]
                    if visit(&pairValue, schema: .free, pii: .yes, key: name, index: nil, &steps, &metaPath, metaKey: "1", &meta) {
                        pair[1] = pairValue
                        items[position] = .array(pair)
                        childChanged = true
                    }
                    metaPath.removeLast()
                    continue
                }
                let (childSchema, childPii) = schema.child(nil)
                if visit(&child, schema: childSchema, pii: childPii, key: nil, index: position, &steps, &metaPath,
                         metaKey: String(position), &meta) {
                    items[position] = child
                    childChanged = true
                }
            }
            if childChanged { value = .array(items); changed = true }
        default:
            break
        }
        return changed
    }

    /// Applies one rule to a value; true when it changed it.
    private func apply(_ rule: CompiledPiiConfig.Rule, idOverride: String?, to value: inout JSON, key: String?, _ path: [String],
                       _ meta: inout EventMeta) -> Bool {
        let id = idOverride ?? rule.id
        switch rule.finder {
        case .multiple(let inner, let hideInner):
            var changed = false
            for innerRule in inner {
                if apply(innerRule, idOverride: hideInner ? id : idOverride, to: &value, key: key, path, &meta) { changed = true }
                if value.isNull { break }
            }
            return changed
        case .key(let regex):
            // The key, or a text that itself matches (`note=…` under any key), as Sentry's relay does.
            var matched = key.map(regex.isMatch) ?? false
            if !matched, case .string(let text) = value { matched = regex.isMatch(text) }
            guard matched else { return false }
            return redactWhole(&value, id: id, rule.redaction, path, &meta)
        case .anything(let regex):
            // Other values, and strings the rule removes, go whole; strings are otherwise changed line by line.
            guard case .string(let text) = value, rule.redaction != .remove else { return redactWhole(&value, id: id, .remove, path, &meta) }
            // Lines that hold earlier redactions go whole, those redactions with them, unless
            // nothing else is left (what sentry-relay answers).
            let protected = meta[path].entry.remarks.compactMap(\.range).filter { !$0.isEmpty }
            if !protected.isEmpty {
                let count = text.unicodeScalars.count
                let covered = protected.reduce(0) { $0 + min($1.upperBound, count) - min($1.lowerBound, count) }
                if covered >= count { return false }
            }
            return redactMatches(&value, regex: regex, groups: nil, id: id, rule.redaction, path, &meta, consumingRedactions: true)
        case .pattern(let regex, let groups):
            return redactMatches(&value, regex: regex, groups: groups, id: id, rule.redaction, path, &meta)
        }
    }

    /// Sorted, disjoint ranges covering the same offsets as `ranges`.
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// The first index in `0..<count` where `isPast` holds (`count` if none), for a predicate
    /// that is false then true along the indices.
    static func firstIndex(in count: Int, where isPast: (Int) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if isPast(middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The whole value: a string redacted as one match, anything else removed.
    private func redactWhole(_ value: inout JSON, id: String, _ redaction: PiiRedaction, _ path: [String], _ meta: inout EventMeta) -> Bool {
        guard case .string(let text) = value, redaction != .remove else {
            value = .null
            meta.addRemark(EventMeta.Remark(id, .removed), at: path)
            return true
        }
        let original = text.unicodeScalars.count
        let replacement = Self.replacement(for: Substring(text), redaction)
        value = .string(String(String.UnicodeScalarView(replacement)))
        meta.addRemark(EventMeta.Remark(id, redaction.remarkKind, range: 0..<replacement.count), at: path, originalLength: original)
        return true
    }

    /// Each match (or its chosen groups) in a string redacted.
    private func redactMatches(_ value: inout JSON, regex: LinearRegex, groups: [Int]?, id: String, _ redaction: PiiRedaction,
                               _ path: [String], _ meta: inout EventMeta, consumingRedactions: Bool = false) -> Bool {
        guard case .string(let text) = value else { return false }
        let scalars = Array(text.unicodeScalars)
        let matches = regex.matches(in: scalars)
        guard !matches.isEmpty else { return false }
        // What earlier rules changed is not looked at again (Sentry's relay keeps redacted parts
        // apart from the text later rules search).
        let protected = Self.merged(meta[path].entry.remarks.compactMap(\.range).filter { !$0.isEmpty })
        var ranges: [Range<Int>] = []
        // Matches come in text order and `protected` is sorted and disjoint: one walk over both.
        var next = 0
        for match in matches {
            if !consumingRedactions {
                while next < protected.count, protected[next].upperBound <= match.range.lowerBound { next += 1 }
                if next < protected.count, protected[next].overlaps(match.range) { continue }
            }
            let chosen = groups ?? [0]
            for group in chosen.sorted() where group < match.groups.count {
                if let range = match.groups[group], ranges.last.map({ range.lowerBound >= $0.upperBound }) ?? true { ranges.append(range) }
            }
        }
        guard !ranges.isEmpty else { return false }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(scalars.count)
        var copied = 0
        var remarks: [EventMeta.Remark] = []
        var shifts: [(oldEnd: Int, delta: Int)] = []  // after each change, how far later text moved
        for range in ranges {
            output.append(contentsOf: scalars[copied..<range.lowerBound])
            let replacement = Self.replacement(for: Substring(String(String.UnicodeScalarView(scalars[range]))), redaction)
            remarks.append(EventMeta.Remark(id, redaction.remarkKind, range: output.count..<output.count + replacement.count))
            output.append(contentsOf: replacement)
            copied = range.upperBound
            shifts.append((range.upperBound, output.count - copied))
        }
        output.append(contentsOf: scalars[copied...])
        value = .string(String(String.UnicodeScalarView(output)))
        // Remarks of earlier rules on this text keep pointing at what they changed (Sentry's
        // remarks give positions in the final text), and all stay in text order.
        // `shifts` and `ranges` are in text order: each remark finds its place by binary search,
        // so many matches against many earlier remarks cost n log n, not n × m.
        func moved(_ offset: Int) -> Int {
            let after = Self.firstIndex(in: shifts.count) { shifts[$0].oldEnd > offset }
            return offset + (after > 0 ? shifts[after - 1].delta : 0)
        }
        meta.withEntry(at: path) { entry in
            if consumingRedactions {
                // Earlier redactions inside what this rule replaced are gone with it.
                entry.remarks.removeAll { remark in
                    guard let range = remark.range else { return false }
                    // Only ranges from the first ending at or after the remark's start to the last
                    // starting at or before its end can overlap or contain it.
                    var index = Self.firstIndex(in: ranges.count) { ranges[$0].upperBound >= range.lowerBound }
                    while index < ranges.count, ranges[index].lowerBound <= range.upperBound {
                        let candidate = ranges[index]
                        if candidate.overlaps(range) || (candidate.lowerBound <= range.lowerBound && range.upperBound <= candidate.upperBound) {
                            return true
                        }
                        index += 1
                    }
                    return false
                }
            }
            entry.remarks = entry.remarks.map { remark in
                guard let range = remark.range else { return remark }
                var copy = remark
                copy.range = moved(range.lowerBound)..<max(moved(range.lowerBound), moved(range.upperBound))
                return copy
            }
            entry.remarks += remarks
            entry.remarks.sort { ($0.range?.lowerBound ?? -1) < ($1.range?.lowerBound ?? -1) }
            if entry.originalLength == nil { entry.originalLength = scalars.count }
        }
        return true
    }

    static func replacement(for text: Substring, _ redaction: PiiRedaction) -> [Unicode.Scalar] {
        switch redaction {
        case .remove: return []
        case .replace(let replacement): return Array(replacement.unicodeScalars)
        case .mask: return [Unicode.Scalar](repeating: "*", count: text.unicodeScalars.count)
        case .hash(let key): return Array(hash(text, key: key).unicodeScalars)
        }
    }

    /// Sentry's `hash` redaction: HMAC-SHA1 of the text under the key, upper-case hex.
    static func hash(_ text: Substring, key: String) -> String {
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: Array(key.utf8)))
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        var result = ""
        for byte in code {
            result.unicodeScalars.append(digits[Int(byte >> 4)])
            result.unicodeScalars.append(digits[Int(byte & 0x0F)])
        }
        return result
    }
}
