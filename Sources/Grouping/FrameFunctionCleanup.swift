/// Function-name cleanups Sentry applies before grouping.
enum FrameFunctionCleanup {
    /// Native symbols lose what varies between builds or compilers and is not the function's
    /// identity: argument lists, return types, template arguments, cv-qualifiers and lambda
    /// numbering. Objective-C selectors are kept as they are. Other families are unchanged.
    static func trim(_ function: String, platform: String?) -> String {
        guard PlatformFamily.of(platform) == "native" else { return function }
        if function.hasPrefix("-[") || function.hasPrefix("+[") { return function }
        var text = function
        // Lambdas: `{lambda(int)#2}` → `{lambda}`, `<lambda_3f2a…>` → `lambda`.
        text = replacing(in: text, open: "{lambda", close: "}", with: "{lambda}")
        text = replacing(in: text, open: "<lambda_", close: ">", with: "lambda")
        // Keep `(anonymous namespace)` and `operator()` readable while stripping argument lists.
        text = text.replacingOccurrences(of: "(anonymous namespace)", with: "\u{1}anon\u{1}")
        text = text.replacingOccurrences(of: "operator()", with: "operator\u{2}")
        text = text.replacingOccurrences(of: "operator<<", with: "operator\u{3}")
        text = text.replacingOccurrences(of: "operator<", with: "operator\u{4}")
        text = text.replacingOccurrences(of: "operator>>", with: "operator\u{5}")
        text = text.replacingOccurrences(of: "operator>", with: "operator\u{6}")
        text = text.replacingOccurrences(of: "operator->", with: "operator\u{7}")
        text = stripBalanced(text, open: "(", close: ")")
        text = collapseTemplates(text)
        // Return type: whatever precedes the last top-level space.
        let words = text.split(separator: " ").map(String.init)
            .filter { !["const", "volatile", "&", "&&", "noexcept", "override", "final", "static", "virtual"].contains($0) }
        text = words.last ?? text
        text = text.replacingOccurrences(of: "\u{1}anon\u{1}", with: "(anonymous namespace)")
        text = text.replacingOccurrences(of: "operator\u{2}", with: "operator()")
        text = text.replacingOccurrences(of: "operator\u{3}", with: "operator<<")
        text = text.replacingOccurrences(of: "operator\u{4}", with: "operator<")
        text = text.replacingOccurrences(of: "operator\u{5}", with: "operator>>")
        text = text.replacingOccurrences(of: "operator\u{6}", with: "operator>")
        text = text.replacingOccurrences(of: "operator\u{7}", with: "operator->")
        return text.isEmpty ? function : text
    }

    /// Drops every balanced `open…close` group (nested ones included).
    static func stripBalanced(_ text: String, open: Character, close: Character) -> String {
        var out = ""
        var depth = 0
        for c in text {
            if c == open { depth += 1; continue }
            if c == close, depth > 0 { depth -= 1; continue }
            if depth == 0 { out.append(c) }
        }
        return depth == 0 ? out : text
    }

    /// `std::vector<int, std::allocator<int>>::push_back` → `std::vector<T>::push_back`.
    static func collapseTemplates(_ text: String) -> String {
        var out = ""
        var depth = 0
        for c in text {
            if c == "<" { if depth == 0 { out += "<T>" }; depth += 1; continue }
            if c == ">", depth > 0 { depth -= 1; continue }
            if depth == 0 { out.append(c) }
        }
        return depth == 0 ? out : text
    }

    /// Replaces each `open…close` (the first `close` after `open`) by `replacement`, left to
    /// right, in one pass over the text: a search resumes after the previous replacement, so
    /// nothing is read twice, and an `open` with no `close` after it ends the replacing.
    static func replacing(in text: String, open: String, close: Character, with replacement: String) -> String {
        let characters = Array(text)
        let opening = Array(open)
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var index = 0
        while index < characters.count {
            if index + opening.count <= characters.count, characters[index..<index + opening.count].elementsEqual(opening) {
                // The text read looking for `close` is consumed by the replacement.
                var end = index + opening.count
                while end < characters.count, characters[end] != close { end += 1 }
                guard end < characters.count else { break }
                result += replacement
                index = end + 1
                continue
            }
            result.append(characters[index])
            index += 1
        }
        while index < characters.count {
            result.append(characters[index])
            index += 1
        }
        return result
    }
}
