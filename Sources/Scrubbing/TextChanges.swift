import EventModel

/// What Sentry's default rules replaced inside one string, for its `_meta` remarks: each change is
/// the UTF-8 range of a replacement in the current text and the rule that made it, in text order.
/// The scanners of `SecretPatterns`/`TextScanners` run one after another; each reports its edits
/// and `apply` moves the earlier changes to the new text (relay reports the ranges of the final
/// value, in text order, which is what this keeps). Only texts that change pay for it.
struct TextChanges: Sendable, Equatable {
    struct Change: Sendable, Equatable {
        var range: Range<Int>
        var rule: String
    }

    /// One replacement a scanner made: `input` in its input, `output` in its output (UTF-8 offsets).
    struct Edit {
        var input: Range<Int>
        var output: Range<Int>
    }

    private(set) var changes: [Change] = []

    var isEmpty: Bool { changes.isEmpty }

    /// Records a scanner's `edits` (in text order), made by `rule`. An earlier change inside a
    /// replaced part is gone with it.
    init() {}

    /// Changes already made (an earlier pass's redactions), in text order and disjoint, carried
    /// through later passes as `apply` carries its own: seeding them one `apply` at a time would
    /// walk all earlier ones for each.
    init?(recorded: [Change]) {
        for (previous, next) in zip(recorded, recorded.dropFirst()) where next.range.lowerBound < previous.range.upperBound {
            return nil
        }
        changes = recorded
    }

    mutating func apply(_ edits: [Edit], rule: String) {
        guard !edits.isEmpty else { return }
        var merged: [Change] = []
        merged.reserveCapacity(changes.count + edits.count)
        var editIndex = 0
        var delta = 0
        for change in changes {
            while editIndex < edits.count, edits[editIndex].input.upperBound <= change.range.lowerBound {
                let edit = edits[editIndex]
                merged.append(Change(range: edit.output, rule: rule))
                delta += edit.output.count - edit.input.count
                editIndex += 1
            }
            if editIndex < edits.count, edits[editIndex].input.lowerBound < change.range.upperBound { continue }  // swallowed
            merged.append(Change(range: (change.range.lowerBound + delta)..<(change.range.upperBound + delta), rule: change.rule))
        }
        for edit in edits[editIndex...] { merged.append(Change(range: edit.output, rule: rule)) }
        changes = merged
    }

    /// The same changes, each rule renamed.
    func renamed(_ name: (String) -> String) -> TextChanges {
        var copy = self
        copy.changes = changes.map { Change(range: $0.range, rule: name($0.rule)) }
        return copy
    }

    /// The one change that replaced all of `text`, if that is what happened.
    func wholeRule(of text: String) -> String? {
        guard changes.count == 1, changes[0].range == 0..<text.utf8.count else { return nil }
        return changes[0].rule
    }

    /// The remarks for `text` (the changed value), ranges in Unicode scalar offsets, the unit the
    /// PII processor works in; `EventScrubber` turns them into Sentry's UTF-8 offsets at the end.
    func remarks(in text: String) -> [EventMeta.Remark] {
        guard !changes.isEmpty else { return [] }
        var remarks: [EventMeta.Remark] = []
        remarks.reserveCapacity(changes.count)
        var scalars = 0
        var offset = 0
        var utf8 = text.utf8.makeIterator()
        func advance(to target: Int) {
            while offset < target, let byte = utf8.next() {
                if byte & 0xC0 != 0x80 { scalars += 1 }
                offset += 1
            }
        }
        for change in changes {
            advance(to: change.range.lowerBound)
            let start = scalars
            advance(to: change.range.upperBound)
            remarks.append(EventMeta.Remark(change.rule, .substituted, range: start..<scalars))
        }
        return remarks
    }
}
