/// Hand-written, forward-only scanners for the secrets Sentry's default rules find inside texts
/// (`@usssn`, `@urlauth`, `@pemkey`, `@email`). Each reads the UTF-8 bytes once (a look-ahead never
/// passes the next separator it could start at), so hostile texts cost linear time. Pure.
enum TextScanners {
    static let schemeSeparator = Array("://".utf8)
    static let pemBegin = Array("-----begin".utf8)
    static let filtered = Array(Scrubber.filtered.utf8)

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }
    @inline(__always) static func isWord(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) || byte == UInt8(ascii: "_") || byte >= 0x80 }

    /// Whether the text holds `ddd-dd-dddd` anywhere: a scan without copying, since most texts
    /// with dashes (dates, ids, paths) hold none.
    static func containsSSN(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes in
            guard bytes.count >= 11 else { return false }
            var index = 3
            while index + 7 < bytes.count {
                if bytes[index] == UInt8(ascii: "-"), bytes[index + 3] == UInt8(ascii: "-"), isDigit(bytes[index - 1]),
                   isDigit(bytes[index + 1]), isDigit(bytes[index + 2]), isDigit(bytes[index + 4]) { return true }
                index += 1
            }
            return false
        }
    }

    /// `ddd-dd-dddd` between word boundaries (Sentry's `@usssn`).
    static func replaceSSNs(_ text: String, with replacement: String, edits: inout [TextChanges.Edit]) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 11 else { return text }
        let shape: [Bool?] = [true, true, true, nil, true, true, nil, true, true, true, true]  // true: digit, nil: dash
        var output: [UInt8] = []
        var index = 0
        var changed = false
        while index < bytes.count {
            if isDigit(bytes[index]), index == 0 || !isWord(bytes[index - 1]), index + 11 <= bytes.count,
               index + 11 == bytes.count || !isWord(bytes[index + 11]) {
                var matches = true
                for (offset, expectDigit) in shape.enumerated() {
                    let byte = bytes[index + offset]
                    if expectDigit == nil ? byte != UInt8(ascii: "-") : !isDigit(byte) { matches = false; break }
                }
                if matches {
                    let outputStart = output.count
                    output.append(contentsOf: Array(replacement.utf8))
                    edits.append(.init(input: index..<(index + 11), output: outputStart..<output.count))
                    index += 11
                    changed = true
                    continue
                }
            }
            output.append(bytes[index])
            index += 1
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    /// The password of `scheme://user:password@host` (Sentry's `@urlauth`): the user-info is read
    /// from `://` up to the first `@`, `/`, whitespace or quote, which a later `://` cannot pass.
    static func replaceURLPasswords(_ text: String, edits: inout [TextChanges.Edit]) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            guard index + 3 <= bytes.count, bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"),
                  bytes[index + 2] == UInt8(ascii: "/") else {
                output.append(bytes[index])
                index += 1
                continue
            }
            let start = index + 3
            var end = start
            var colon: Int?
            while end < bytes.count {
                let byte = bytes[end]
                if byte == UInt8(ascii: "@") || byte == UInt8(ascii: "/") || byte <= 0x20 || byte == UInt8(ascii: "\"")
                    || byte == UInt8(ascii: "'") { break }
                if byte == UInt8(ascii: ":"), colon == nil { colon = end }
                end += 1
            }
            if end < bytes.count, bytes[end] == UInt8(ascii: "@"), let colon, colon + 1 < end {
                output.append(contentsOf: bytes[index...colon])
                edits.append(.init(input: (colon + 1)..<end, output: output.count..<(output.count + filtered.count)))
                output.append(contentsOf: filtered)
                index = end
                changed = true
            } else {
                output.append(contentsOf: bytes[index..<end])
                index = end
            }
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    /// The body of a PEM private key (Sentry's `@pemkey`): between a `-----BEGIN … PRIVATE KEY-----`
    /// line and the next `-----END`, the line breaks next to the markers kept.
    static func replacePEMBodies(_ text: String, edits: inout [TextChanges.Edit]) -> String {
        let bytes = Array(text.utf8)
        let begin = Array("-----BEGIN".utf8), keyEnd = Array("PRIVATE KEY-----".utf8), endMarker = Array("-----END".utf8)
        var output: [UInt8] = []
        var index = 0
        var changed = false
        while let beginAt = find(begin, in: bytes, from: index) {
            // The header must end with `PRIVATE KEY-----` on the same line.
            var lineEnd = beginAt + begin.count
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            guard let keyAt = find(keyEnd, in: bytes, from: beginAt + begin.count), keyAt + keyEnd.count <= lineEnd,
                  let endAt = find(endMarker, in: bytes, from: keyAt + keyEnd.count) else {
                output.append(contentsOf: bytes[index..<min(lineEnd, bytes.count)])
                index = min(lineEnd, bytes.count)
                continue
            }
            var bodyStart = keyAt + keyEnd.count
            var bodyEnd = endAt
            if bodyStart < bodyEnd, bytes[bodyStart] == UInt8(ascii: "\n") { bodyStart += 1 }
            if bodyEnd > bodyStart, bytes[bodyEnd - 1] == UInt8(ascii: "\n") { bodyEnd -= 1 }
            output.append(contentsOf: bytes[index..<bodyStart])
            if bodyEnd > bodyStart {
                edits.append(.init(input: bodyStart..<bodyEnd, output: output.count..<(output.count + filtered.count)))
                output.append(contentsOf: filtered)
                changed = true
            }
            output.append(contentsOf: bytes[bodyEnd..<endAt])
            index = endAt
        }
        output.append(contentsOf: bytes[index...])
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    /// Forward search (the needles are short constants, so this is linear in the text).
    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0] {
                var matched = 1
                while matched < needle.count, bytes[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    @inline(__always) static func isLocalPart(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "%")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }

    @inline(__always) static func isDomain(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }

    /// `local@domain.tld` becomes `[email]` (Sentry's `@email:replace`). Around each `@` the local
    /// part is read back to the previous non-local byte (never past an earlier `@`) and the domain
    /// forward to the next non-domain byte, so every byte is read a bounded number of times.
    static func replaceEmails(_ text: String, edits: inout [TextChanges.Edit]) -> String {
        let bytes = Array(text.utf8)
        let email = Array("[email]".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0  // bytes[..<copied] are in output
        var index = 0
        var changed = false
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "@") else { index += 1; continue }
            var start = index
            while start > copied, isLocalPart(bytes[start - 1]) { start -= 1 }
            var end = index + 1
            while end < bytes.count, isDomain(bytes[end]) { end += 1 }
            // A trailing dot ends the sentence, not the domain.
            while end > index + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
            var lastDot: Int?
            var back = end - 1
            while back > index { if bytes[back] == UInt8(ascii: ".") { lastDot = back; break }; back -= 1 }
            if let dot = lastDot, dot < end, dot > index + 1, start < index, end - dot > 2,
               bytes[(dot + 1)..<end].allSatisfy(isLetter) {
                output.append(contentsOf: bytes[copied..<start])
                edits.append(.init(input: start..<end, output: output.count..<(output.count + email.count)))
                output.append(contentsOf: email)
                copied = end
                changed = true
            }
            index = max(end, index + 1)
        }
        guard changed else { return text }
        output.append(contentsOf: bytes[copied...])
        return String(decoding: output, as: UTF8.self)
    }
}
