import EventModel

extension EventMeta {
    /// Turns the remarks' ranges from Unicode scalar offsets (what the scrubbing rules count in)
    /// into UTF-8 offsets of the same string, which is what sentry-relay 0.10.1 reports
    /// (`€ 4111…` → `[4, 14]`; `len` stays in characters). Only remarks on string values have
    /// ranges; the walk follows the recorded paths only.
    mutating func convertRangesToUTF8(in value: JSON) {
        var paths: [([String], String)] = []
        collectRangedStrings(in: value, path: [], into: &paths)
        for (path, text) in paths {
            withEntry(at: path) { entry in
                var scalarOffsets = [0]  // byte offset of each scalar boundary
                scalarOffsets.reserveCapacity(text.unicodeScalars.count + 1)
                var bytes = 0
                for scalar in text.unicodeScalars {
                    bytes += UTF8.width(scalar)
                    scalarOffsets.append(bytes)
                }
                func byte(_ scalar: Int) -> Int { scalarOffsets[min(max(scalar, 0), scalarOffsets.count - 1)] }
                for index in entry.remarks.indices {
                    guard let range = entry.remarks[index].range else { continue }
                    entry.remarks[index].range = byte(range.lowerBound)..<max(byte(range.lowerBound), byte(range.upperBound))
                }
            }
        }
    }

    private func collectRangedStrings(in value: JSON, path: [String], into paths: inout [([String], String)]) {
        if case .string(let text) = value, entry.remarks.contains(where: { $0.range != nil }), text.utf8.count != text.unicodeScalars.count {
            paths.append((path, text))
        }
        for (key, child) in children {
            let member: JSON?
            switch value {
            case .object(let members): member = members[key]
            case .array(let items): member = Int(key).flatMap { $0 >= 0 && $0 < items.count ? items[$0] : nil }
            default: member = nil
            }
            if let member { child.collectRangedStrings(in: member, path: path + [key], into: &paths) }
        }
    }
}
