import EventModel

/// `logentry.message` formatted with `logentry.params` as Sentry's normalizer does: printf-style
/// `%s`/`%d`/`%i`/`%r`/`%f` (and `%%`), `%(name)s` with an object of params, and `{}`/`{0}`. nil
/// when the params do not fit (too few, a null or a container), so the template stays as it is.
/// One forward pass over the template. Pure.
enum MessageFormatting {
    static func format(_ template: String, _ params: JSON?) -> String? {
        let positional = params?.array
        let named = params?.object
        guard positional != nil || named != nil else { return nil }
        if let positional, positional.isEmpty { return nil }
        let characters = Array(template)
        var output = ""
        var next = 0
        var index = 0
        var used = false
        func text(_ value: JSON?) -> String? {
            switch value {
            case .string(let text)?: return text
            case .int(let number)?: return String(number)
            case .double(let number)?: return String(number)
            case .bool(let flag)?: return flag ? "True" : "False"
            default: return nil
            }
        }
        while index < characters.count {
            let character = characters[index]
            if character == "%", index + 1 < characters.count {
                let spec = characters[index + 1]
                if spec == "%" { output.append("%"); index += 2; continue }
                if spec == "(", let named {
                    // A name is short: the search for its `)` stops after 64 characters.
                    let limit = min(characters.count, index + 2 + 64)
                    guard let close = characters[(index + 2)..<limit].firstIndex(of: ")"), close + 1 < characters.count,
                          let value = text(named[String(characters[(index + 2)..<close])]) else { return nil }
                    output += value
                    index = close + 2
                    used = true
                    continue
                }
                if "sdirf".contains(spec), let positional {
                    guard next < positional.count, let value = text(positional[next]) else { return nil }
                    output += value
                    next += 1
                    index += 2
                    used = true
                    continue
                }
            }
            if character == "{", let positional {
                var close = index + 1
                while close < characters.count, close - index <= 4, characters[close].isASCII, characters[close].isNumber { close += 1 }
                if close < characters.count, characters[close] == "}" {
                    let digits = String(characters[(index + 1)..<close])
                    let position = digits.isEmpty ? next : Int(digits) ?? positional.count
                    guard position < positional.count, let value = text(positional[position]) else { return nil }
                    if digits.isEmpty { next += 1 }
                    output += value
                    index = close + 1
                    used = true
                    continue
                }
            }
            output.append(character)
            index += 1
        }
        return used ? output : nil
    }
}
