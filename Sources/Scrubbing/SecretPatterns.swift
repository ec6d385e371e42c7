import Foundation

/// How a secret found inside a text is written: `[Filtered]` where Sentry's default rules filter
/// (`@creditcard:filter`, …, everywhere but the formatted message), or Sentry's masking texts
/// (`[email]`, `[creditcard]`, `[iban]`, `[us-ssn]`, `Bearer [token]`: `@…:replace`), which it
/// applies to `logentry.formatted` only.
enum SecretStyle {
    case filter, replace

    var card: String { self == .filter ? Scrubber.filtered : "[creditcard]" }
    var iban: String { self == .filter ? Scrubber.filtered : "[iban]" }
    var ssn: String { self == .filter ? Scrubber.filtered : "[us-ssn]" }
    /// Sentry's rule id for the rule `name` in this style (its remarks in `_meta`).
    func rule(_ name: String) -> String { "@\(name):\(self == .filter ? "filter" : "replace")" }
}

/// Recognizes secrets inside free text: card numbers (13–19 digits, spaces or dashes allowed,
/// Luhn-valid), IBANs (checksum-valid), US social security numbers, bearer tokens and — filtering
/// only — passwords in URLs (`scheme://user:password@`) and PEM private key bodies; masking also
/// replaces e-mail addresses. Each is one forward scan of the text.
enum SecretPatterns {
    static func scrub(_ text: String, style: SecretStyle = .filter) -> String {
        var changes = TextChanges()
        return scrub(text, style: style, changes: &changes)
    }

    /// Scrubs `text`, reporting each replacement in `changes` (for the remarks in `_meta`).
    static func scrub(_ text: String, style: SecretStyle, changes: inout TextChanges) -> String {
        var result = text
        var edits: [TextChanges.Edit] = []
        func record(_ rule: String) {
            changes.apply(edits, rule: style.rule(rule))
            edits.removeAll(keepingCapacity: true)
        }
        // Cheap byte scans first: most strings can hold neither a card number nor an IBAN. A card
        // number is 13 or more digits in one run of digits, spaces and dashes (timestamps, with
        // their many digits split by letters and colons, are not).
        var cardCandidate = false
        var ibanStart = false
        var bytes = text
        bytes.withUTF8 { bytes in
            var runDigits = 0
            var previous: (UInt8, UInt8, UInt8) = (0, 0, 0)
            for byte in bytes {
                if isDigit(byte) {
                    runDigits += 1
                    if runDigits >= 13 { cardCandidate = true }
                    if isDigit(previous.2), isLetter(previous.1), isLetter(previous.0) { ibanStart = true }
                } else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "-") {
                    runDigits = 0
                }
                previous = (previous.1, previous.2, byte)
            }
        }
        if cardCandidate { result = replaceCards(result, with: style.card, edits: &edits); record("creditcard") }
        if ibanStart { result = replaceIBANs(result, with: style.iban, edits: &edits); record("iban") }
        if TextScanners.containsSSN(result) { result = TextScanners.replaceSSNs(result, with: style.ssn, edits: &edits); record("usssn") }
        if ASCIISearch.contains(result.utf8, lowercased: bearer) { result = replaceBearer(result, style: style, edits: &edits); record("bearer") }
        switch style {
        case .filter:
            if result.utf8.contains(UInt8(ascii: "@")), ASCIISearch.contains(result.utf8, lowercased: TextScanners.schemeSeparator) {
                result = TextScanners.replaceURLPasswords(result, edits: &edits)
                changes.apply(edits, rule: "@urlauth:legacy")  // Sentry's id for this rule
                edits.removeAll(keepingCapacity: true)
            }
            if ASCIISearch.contains(result.utf8, lowercased: TextScanners.pemBegin) {
                result = TextScanners.replacePEMBodies(result, edits: &edits)
                record("pemkey")
            }
        case .replace:
            if result.utf8.contains(UInt8(ascii: "@")) { result = TextScanners.replaceEmails(result, edits: &edits); record("email") }
        }
        return result
    }

    static let bearer = Array("bearer ".utf8)
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }

    /// Card numbers as Sentry's relay finds them: a brand prefix (Amex `34`/`37`, Visa `4`,
    /// Mastercard `51`–`55`, Discover `6011`/`65`) and the rest of 15 (Amex) or 16 digits, each
    /// digit optionally after one dash or space, between word boundaries; no checksum (relay
    /// checks none: a Luhn-invalid Visa-shaped number is filtered, an IMEI is not). Run on the
    /// linear-time engine.
    static let cardRegex = try? LinearRegex(PiiBuiltinRules.patterns["creditcard"]?.pattern ?? "")

    static func replaceCards(_ text: String, with replacement: String = Scrubber.filtered) -> String {
        var edits: [TextChanges.Edit] = []
        return replaceCards(text, with: replacement, edits: &edits)
    }

    static func replaceCards(_ text: String, with replacement: String, edits: inout [TextChanges.Edit]) -> String {
        guard let cardRegex else { return text }
        // Every brand prefix is three digits in a row starting with 3–6: most digit runs
        // (`1 1 1 …`, dates, versions) have none, and skip the regex.
        var copy = text
        let hasPrefix = copy.withUTF8 { bytes in
            guard bytes.count >= 3 else { return false }
            for index in 0..<(bytes.count - 2) where bytes[index] >= 51 && bytes[index] <= 54
                && isDigit(bytes[index + 1]) && isDigit(bytes[index + 2]) { return true }
            return false
        }
        guard hasPrefix else { return text }
        let scalars = Array(text.unicodeScalars)
        let matches = cardRegex.matches(in: scalars)
        guard !matches.isEmpty else { return text }
        var output = String.UnicodeScalarView()
        var copied = 0
        var inputBytes = 0, outputBytes = 0  // UTF-8 offsets of `copied` in the text and in `output`
        let replacementBytes = replacement.utf8.count
        for match in matches {
            let kept = scalars[copied..<match.range.lowerBound]
            output.append(contentsOf: kept)
            let keptBytes = kept.reduce(0) { $0 + UTF8.width($1) }
            inputBytes += keptBytes
            outputBytes += keptBytes
            let matchBytes = scalars[match.range].reduce(0) { $0 + UTF8.width($1) }
            output.append(contentsOf: replacement.unicodeScalars)
            edits.append(.init(input: inputBytes..<(inputBytes + matchBytes), output: outputBytes..<(outputBytes + replacementBytes)))
            inputBytes += matchBytes
            outputBytes += replacementBytes
            copied = match.range.upperBound
        }
        output.append(contentsOf: scalars[copied...])
        return String(output)
    }

    @inline(__always) static func isASCIIDigit(_ character: Character) -> Bool {
        character.isASCII && character.isNumber
    }

    static func luhn(_ digits: ArraySlice<Int>) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    static func replaceIBANs(_ text: String, with replacement: String = Scrubber.filtered) -> String {
        var edits: [TextChanges.Edit] = []
        return replaceIBANs(text, with: replacement, edits: &edits)
    }

    /// Each space-separated word that is an IBAN once its punctuation is trimmed.
    static func replaceIBANs(_ text: String, with replacement: String, edits: inout [TextChanges.Edit]) -> String {
        var output = ""
        var changed = false
        var inputBytes = 0
        for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { output += " "; inputBytes += 1 }
            let trimmed = word.trimmingCharacters(in: .punctuationCharacters)
            if isIBAN(trimmed), let found = word.range(of: trimmed) {
                let lead = word[..<found.lowerBound]
                output += lead
                let start = inputBytes + lead.utf8.count
                let outputStart = output.utf8.count
                output += replacement
                edits.append(.init(input: start..<(start + trimmed.utf8.count), output: outputStart..<output.utf8.count))
                output += word[found.upperBound...]
                changed = true
            } else {
                output += word
            }
            inputBytes += word.utf8.count
        }
        return changed ? output : text
    }

    static func isIBAN(_ candidate: String) -> Bool {
        let chars = Array(candidate.uppercased())
        guard (15...34).contains(chars.count), chars[0].isLetter, chars[1].isLetter, chars[2].isNumber, chars[3].isNumber,
              chars.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return false }
        let rearranged = chars[4...] + chars[..<4]
        var remainder = 0
        for character in rearranged {
            let value = character.isNumber ? character.wholeNumberValue! : Int(character.asciiValue! - 55)
            remainder = (value < 10 ? remainder * 10 + value : remainder * 100 + value) % 97
        }
        return remainder == 1
    }

    /// One pass over the UTF-8 bytes: each case-insensitive `bearer ` is found with a 7-byte
    /// look-ahead that never goes back, and the token after it (up to whitespace, a quote or a
    /// comma) is replaced: filtering, `Bearer <token>` becomes `[Filtered]` as Sentry's
    /// `@bearer:filter` does; masking, the token becomes `[token]`. Bytes are copied into one
    /// buffer (appending to a string's scalar view copied the string each time).
    static func replaceBearer(_ text: String, style: SecretStyle = .filter) -> String {
        var edits: [TextChanges.Edit] = []
        return replaceBearer(text, style: style, edits: &edits)
    }

    static func replaceBearer(_ text: String, style: SecretStyle, edits: inout [TextChanges.Edit]) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard startsBearer(bytes, at: index) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            var end = index + bearer.count
            while end < bytes.count, let length = tokenScalarLength(bytes, at: end) { end += length }
            let outputStart = output.count
            if end == index + bearer.count {
                output.append(contentsOf: bytes[index..<end])
            } else if style == .filter {
                output.append(contentsOf: filteredBytes)
            } else {
                output.append(contentsOf: bytes[index..<index + bearer.count])
                output.append(contentsOf: tokenBytes)
            }
            if end > index + bearer.count { edits.append(.init(input: index..<end, output: outputStart..<output.count)) }
            index = end
        }
        return String(decoding: output, as: UTF8.self)
    }

    static let filteredBytes = Array(Scrubber.filtered.utf8)
    static let tokenBytes = Array("[token]".utf8)

    /// `bearer ` (any case) at `index`.
    static func startsBearer(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index + bearer.count <= bytes.count else { return false }
        for offset in 0..<bearer.count where ASCIISearch.lower(bytes[index + offset]) != bearer[offset] { return false }
        return true
    }

    /// The byte length of the scalar at `index` when it belongs to a token; nil at whitespace
    /// (any Unicode whitespace), a quote or a comma.
    static func tokenScalarLength(_ bytes: [UInt8], at index: Int) -> Int? {
        let lead = bytes[index]
        if lead < 0x80 {
            switch lead {
            case 0x09...0x0D, 0x20, UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ","): return nil
            default: return 1
            }
        }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard index + length <= bytes.count,
              let scalar = String(decoding: bytes[index..<index + length], as: UTF8.self).unicodeScalars.first else { return length }
        return scalar.properties.isWhitespace ? nil : length
    }
}
