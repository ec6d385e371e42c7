/// The `module`, `filename` and `in_app` Sentry derives from a resolved JavaScript source path.
public enum JavaScriptModule {
    /// Sentry's `generate_module`: the path without scheme, host, query, extension and `.min`,
    /// starting after a content hash segment, without common leading folders (`static/`,
    /// `js/`, versions, short hashes) and a trailing commit hash.
    public static func generate(_ source: String) -> String {
        guard !source.isEmpty else { return "<unknown module>" }
        var path = Substring(SourceURL.split(source).path)
        if let slash = path.lastIndex(of: "/"), let dot = path[slash...].lastIndex(of: ".") { path = path[..<dot] }
        else if path.firstIndex(of: "/") == nil, let dot = path.lastIndex(of: ".") { path = path[..<dot] }
        if path.hasSuffix(".min") { path = path.dropLast(4) }
        let tokens = path.split(separator: "/", omittingEmptySubsequences: false)
        if let hash = tokens.firstIndex(where: { isHex($0) && ($0.count == 32 || $0.count == 40) }) {
            return tokens[(hash + 1)...].joined(separator: "/")
        }
        var rest = tokens[...]
        // Leading slashes and common folder prefixes, while more follows them.
        while rest.count > 1, let first = rest.first, first.isEmpty || isCommonFolder(first) { rest = rest.dropFirst() }
        var module = rest.joined(separator: "/")
        // A trailing commitish (`app-3f2a9c1`, `app.3f2a9c1d`).
        if let separator = module.lastIndex(where: { $0 == "-" || $0 == "." }) {
            let tail = module[module.index(after: separator)...]
            if tail.count >= 7, isHex(tail) { module = String(module[..<separator]) }
        }
        return module.isEmpty ? "<unknown module>" : module
    }

    /// `webpack:///./src/a.js` → `src/a.js`; `webpack:///~/lib/x.js` or `…/~/lib` → `~/lib/x.js`.
    public static func webpackFilename(_ source: String) -> String {
        if let tilde = source.range(of: "/~/") { return "~/" + source[tilde.upperBound...] }
        var rest = Substring(source)
        if rest.hasPrefix("webpack:///") { rest = rest.dropFirst(11) }
        else if rest.hasPrefix("webpack://") {
            rest = rest.dropFirst(10)
            // `webpack://<library name>/./src/a.js`
            if let slash = rest.firstIndex(of: "/") { rest = rest[rest.index(after: slash)...] }
        }
        while rest.hasPrefix("./") { rest = rest.dropFirst(2) }
        return String(rest)
    }

    /// Frames from dependencies are not the app's: `node_modules`, webpack's `~/`.
    public static func isInApp(absPath: String, filename: String) -> Bool? {
        if absPath.contains("/node_modules/") || filename.contains("/node_modules/") || filename.hasPrefix("node_modules/") {
            return false
        }
        if absPath.hasPrefix("webpack:") { return !filename.hasPrefix("~/") }
        if absPath.hasPrefix("app:") { return true }
        return nil
    }

    static func isHex(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }

    static func isCommonFolder(_ segment: Substring) -> Bool {
        let lower = segment.lowercased()
        if ["script", "scripts", "javascript", "javascripts", "js", "build", "static", "node_modules", "bower_components"].contains(lower) {
            return true
        }
        if let first = lower.first, first == "_" || first == "." || first == "~" { return true }
        // v1, 1.0.0
        let version = lower.hasPrefix("v") ? lower.dropFirst() : Substring(lower)
        if !version.isEmpty, version.first != ".", version.last != ".",
           version.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }), !version.contains("..") { return true }
        if (segment.count == 7 || segment.count == 8) && isHex(segment) { return true }
        return false
    }
}
