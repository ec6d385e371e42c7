/// The name of the function around a position in (original) JavaScript source, for frames whose
/// mapping carries no name. A backward scan that counts braces — skipping strings, template
/// literals and comments only approximately — and reads the header before the opening brace:
/// `function name(`, `name(…) {` (methods), `name = function`, `name = (…) =>`, `name: function`.
/// Bounded to `window` bytes before the position, and every backward look for a parameter list's
/// `(` draws on one budget of steps, so text such as `){){){…` (each brace a candidate header whose
/// `(` is never found) cannot make the search quadratic.
public enum EnclosingFunction {
    public static func name(in source: SourceText, line: Int, column: Int, window: Int = 32 * 1024) -> String? {
        var text = source.text
        return text.withUTF8 { bytes in
            guard let offset = source.byteOffset(bytes, line: line, utf16Column: column) else { return nil }
            return name(in: bytes, before: offset, window: window)
        }
    }

    static func name(in bytes: UnsafeBufferPointer<UInt8>, before offset: Int, window: Int) -> String? {
        let floor = max(0, offset - window)
        var budget = 4 * window
        var depth = 0
        var index = offset - 1
        while index >= floor {
            let byte = bytes[index]
            if byte == UInt8(ascii: "}") { depth += 1 }
            else if byte == UInt8(ascii: "{") {
                if depth == 0 {
                    if let name = header(bytes, before: index, floor: floor, budget: &budget) { return name }
                    if budget <= 0 { return nil }
                } else {
                    depth -= 1
                }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") {
                // Skip back to the opening quote on the same line (approximate: escapes ignored).
                var scan = index - 1
                while scan >= floor && bytes[scan] != byte && bytes[scan] != UInt8(ascii: "\n") { scan -= 1 }
                if scan >= floor && bytes[scan] == byte { index = scan }
            }
            index -= 1
        }
        return nil
    }

    /// The function name of a block opened at `brace`, if that block is a function body.
    static func header(_ bytes: UnsafeBufferPointer<UInt8>, before brace: Int, floor: Int, budget: inout Int) -> String? {
        var index = skipSpace(bytes, brace - 1, floor)
        // `=> {`
        if index >= floor + 1, bytes[index] == UInt8(ascii: ">"), bytes[index - 1] == UInt8(ascii: "=") {
            index = skipSpace(bytes, index - 2, floor)
            if index >= floor, bytes[index] == UInt8(ascii: ")") {
                guard let open = matchingParen(bytes, index, floor, budget: &budget) else { return nil }
                index = skipSpace(bytes, open - 1, floor)
            } else {
                index = skipIdentifier(bytes, index, floor).next   // single parameter
                index = skipSpace(bytes, index, floor)
            }
            if let word = identifier(bytes, index, floor), word.text == "async" { index = skipSpace(bytes, word.start - 1, floor) }
            return assignedName(bytes, index, floor)
        }
        guard index >= floor, bytes[index] == UInt8(ascii: ")") else { return nil }
        guard let open = matchingParen(bytes, index, floor, budget: &budget) else { return nil }
        index = skipSpace(bytes, open - 1, floor)
        guard let word = identifier(bytes, index, floor) else {
            // `function (…) {` or `function* (…) {` without a name: the name it is assigned to.
            return nil
        }
        if ["if", "for", "while", "switch", "catch", "with"].contains(word.text) { return nil }
        if word.text == "function" {
            return assignedName(bytes, skipSpace(bytes, word.start - 1, floor), floor)
        }
        let before = skipSpace(bytes, word.start - 1, floor)
        if let keyword = identifier(bytes, before, floor), keyword.text == "function" { return word.text }
        if before >= floor, bytes[before] == UInt8(ascii: "*") { return word.text }
        // A method `name(…) {` (also `get name()`, `static name()`, `async name()`).
        return word.text
    }

    /// `name =` / `name:` / `.name =` before `index` (which points at the end of what precedes).
    static func assignedName(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ floor: Int) -> String? {
        guard index >= floor, bytes[index] == UInt8(ascii: "=") || bytes[index] == UInt8(ascii: ":") else { return nil }
        let nameEnd = skipSpace(bytes, index - 1, floor)
        return identifier(bytes, nameEnd, floor)?.text
    }

    static func matchingParen(_ bytes: UnsafeBufferPointer<UInt8>, _ close: Int, _ floor: Int, budget: inout Int) -> Int? {
        var depth = 0
        var index = close
        while index >= floor, budget > 0 {
            budget -= 1
            if bytes[index] == UInt8(ascii: ")") { depth += 1 }
            else if bytes[index] == UInt8(ascii: "(") {
                depth -= 1
                if depth == 0 { return index }
            }
            index -= 1
        }
        return nil
    }

    static func skipSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ floor: Int) -> Int {
        var index = start
        while index >= floor, bytes[index] == 32 || bytes[index] == 9 || bytes[index] == 10 || bytes[index] == 13 { index -= 1 }
        return index
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95 || byte == 36 || byte >= 128
    }

    static func skipIdentifier(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int, _ floor: Int) -> (start: Int, next: Int) {
        var index = end
        while index >= floor, isIdentifierByte(bytes[index]) { index -= 1 }
        return (index + 1, index)
    }

    /// The identifier ending at `end`, and where it starts.
    static func identifier(_ bytes: UnsafeBufferPointer<UInt8>, _ end: Int, _ floor: Int) -> (text: String, start: Int)? {
        guard end >= floor, isIdentifierByte(bytes[end]) else { return nil }
        let (start, _) = skipIdentifier(bytes, end, floor)
        guard !(bytes[start] >= 48 && bytes[start] <= 57) else { return nil }
        return (String(decoding: bytes[start...end], as: UTF8.self), start)
    }
}
