/// URL handling for JavaScript frames, without Foundation's URL (which rejects much of what
/// browsers report and bundlers write: `webpack://`, `app:///`, `~/`).
public enum SourceURL {
    /// Starts with a scheme (`https:`, `webpack:`, `app:`, `data:`).
    public static func isAbsolute(_ text: String) -> Bool {
        var sawLetter = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): sawLetter = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if !sawLetter { return false }
            case UInt8(ascii: ":"): return sawLetter
            default: return false
            }
        }
        return false
    }

    /// `relative` resolved against `base` the way Sentry joins a source map's URL with a source
    /// (`../src/a.js` next to `https://x/static/app.js.map` is `https://x/src/a.js`).
    public static func join(_ base: String, _ relative: String) -> String {
        if relative.isEmpty || isAbsolute(relative) { return relative }
        let (prefix, path) = split(base)
        var segments: [Substring]
        if relative.hasPrefix("/") {
            segments = []
        } else {
            segments = path.split(separator: "/", omittingEmptySubsequences: false)
            segments.removeLast()   // the base's file name
        }
        for part in relative.split(separator: "/", omittingEmptySubsequences: false) {
            switch part {
            case ".": continue
            case "..": if segments.count > 1 || (segments.count == 1 && !segments[0].isEmpty) { segments.removeLast() }
            default: segments.append(part)
            }
        }
        var joined = segments.joined(separator: "/")
        if !joined.hasPrefix("/") && (!prefix.isEmpty || base.hasPrefix("/")) { joined = "/" + joined }
        return prefix + joined
    }

    /// `scheme://host` (or `~`, or nothing) and the path after it, without query or fragment.
    static func split(_ url: String) -> (prefix: String, path: Substring) {
        let clean = url.prefix { $0 != "?" && $0 != "#" }
        if let schemeEnd = clean.range(of: "://") {
            let rest = clean[schemeEnd.upperBound...]
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            return (String(clean[..<slash]), clean[slash...])
        }
        if clean.hasPrefix("~/") { return ("~", clean.dropFirst()) }
        return ("", clean)
    }

    /// The names a file may have been uploaded under, in the order Sentry tries them: the full
    /// URL, without query string and fragment, then `~/path` with and without the query.
    public static func candidates(_ absPath: String) -> [String] {
        var result = [absPath]
        let withoutFragment = String(absPath.prefix { $0 != "#" })
        let withoutQuery = String(withoutFragment.prefix { $0 != "?" })
        result.append(withoutQuery)
        if let schemeEnd = absPath.range(of: "://") {
            let rest = withoutFragment[schemeEnd.upperBound...]
            if let slash = rest.firstIndex(of: "/") {
                let tilde = "~" + rest[slash...]
                result.append(tilde)
                result.append(String(tilde.prefix { $0 != "?" }))
            }
        }
        var seen = Set<String>()
        return result.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
