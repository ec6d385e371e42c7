import Foundation

/// Recognizes secrets inside free text: card numbers (13–19 digits, spaces or dashes allowed,
/// Luhn-valid), IBANs (checksum-valid) and bearer tokens.
enum SecretPatterns {
    static func scrub(_ text: String) -> String {
        var result = text
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
        if cardCandidate { result = replaceCards(result) }
        if ibanStart { result = replaceIBANs(result) }
        if ASCIISearch.contains(result.utf8, lowercased: bearer) { result = replaceBearer(result) }
        return result
    }

    static let bearer = Array("bearer ".utf8)
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }

    static func replaceCards(_ text: String) -> String {
        let characters = Array(text)
        var output = ""
        var index = 0
        while index < characters.count {
            if characters[index].isASCII, characters[index].isNumber, index == 0 || !(characters[index - 1].isLetter || characters[index - 1].isNumber) {
                var end = index
                var digits: [Int] = []
                while end < characters.count, characters[end].isASCII,
                      characters[end].isNumber || ((characters[end] == " " || characters[end] == "-") && !digits.isEmpty) {
                    if let digit = characters[end].wholeNumberValue { digits.append(digit) }
                    end += 1
                }
                while end > index, !characters[end - 1].isNumber { end -= 1 }
                if (13...19).contains(digits.count), luhn(digits), end >= characters.count || !characters[end].isLetter {
                    output += Scrubber.filtered
                    index = end
                    continue
                }
            }
            output.append(characters[index])
            index += 1
        }
        return output
    }

    static func luhn(_ digits: [Int]) -> Bool {
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

    static func replaceIBANs(_ text: String) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var changed = false
        for (index, word) in words.enumerated() {
            let trimmed = word.trimmingCharacters(in: .punctuationCharacters)
            if isIBAN(trimmed) {
                words[index] = word.replacingOccurrences(of: trimmed, with: Scrubber.filtered)
                changed = true
            }
        }
        return changed ? words.joined(separator: " ") : text
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

    static func replaceBearer(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "bearer ", options: .caseInsensitive) {
            result += rest[..<range.upperBound]
            var end = range.upperBound
            while end < rest.endIndex, !rest[end].isWhitespace, rest[end] != "\"", rest[end] != "'", rest[end] != "," {
                end = rest.index(after: end)
            }
            result += end > range.upperBound ? Scrubber.filtered : ""
            rest = rest[end...]
        }
        return result + rest
    }
}
