import Foundation

/// Replaces event-specific values in messages and exception values with placeholders
/// (`<email>`, `<url>`, `<int>`…) before they are hashed, as Sentry's message normalization
/// does, so "timeout after 31ms for user 42" and "… 17ms for user 7" group together.
/// One alternation, tried left to right at each position: earlier kinds win.
///
/// Linear time: a kind with an unanchored run (`[…]+@` of emails, `\d+…s` of durations) would
/// be tried from every character of a long run and rescan it each time. Those runs may only
/// start where the character before cannot extend them, or where the previous match ended
/// (`\G`). That changes no result: had the kind matched one character later, it would have
/// matched here already (the run extends backwards), and the scan only moves on past a position
/// where nothing matched or that a match consumed. Hostnames likewise start only at a label
/// that no whole label and dot precede (the hostname would have started at that label), or
/// where the previous match ended; the one text this reads differently is a hostname right after
/// a match that ended inside the same word (`10:30:45ab.example.com`), which is no longer found.
enum MessageParameterizer {
    struct Kind: Sendable {
        let name: String
        let pattern: String
    }

    static let months = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    static let weekdays = "(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)"
    static let zone = "(?:[-+]\\d{2}[0-5]\\d|UT|GMT|[ECMP][SD]T|[A-IK-Z])"
    static let octet = "(?:25[0-5]|(?:2[0-4]|1?[0-9])?[0-9])"
    static let hex4 = "[0-9a-fA-F]{1,4}"

    static let kinds: [Kind] = [
        Kind(name: "email", pattern: #"(?:(?<![a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-])|\G)[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*"#),
        Kind(name: "url", pattern: #"\b(?:wss?|https?|ftp)://[^\s/$.?#].[^\s]*"#),
        Kind(name: "hostname", pattern: #"(?:(?<!\b[a-zA-Z0-9\-]{1,63}\.)|\G)\b(?:[a-zA-Z0-9\-]{1,63}\.)+?(?:"# + topLevelDomains + #")\b"#),
        Kind(name: "ip", pattern: ipPattern),
        Kind(name: "traceparent", pattern: #"\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\b|\b1-[0-9a-f]{8}-[0-9a-f]{24}\b"#),
        Kind(name: "uuid", pattern: #"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"#),
        Kind(name: "sha1", pattern: #"\b[0-9a-fA-F]{40}\b"#),
        Kind(name: "md5", pattern: #"\b[0-9a-fA-F]{32}\b"#),
        Kind(name: "date", pattern: datePattern),
        Kind(name: "duration", pattern: #"\b\d+ms|(?:(?<!\d)|\G)\d+(?:\.\d+)?s\b"#),
        Kind(name: "hex", pattern: hexPattern),
        Kind(name: "float", pattern: #"-\d+\.\d+\b|\b\d+\.\d+\b"#),
        Kind(name: "int", pattern: #"(?:\b|(?<!\w)-)\d{1,7}\b"#),
        Kind(name: "quoted_str", pattern: #"(?<==)(?:'[^']+'|"[^"]+")"#),
        Kind(name: "bool", pattern: #"(?<==)(?:True|true|False|false)"#),
    ]

    /// The most common top-level domains (both cases), as Sentry's hostname pattern lists them.
    static let topLevelDomains: String = {
        let tlds = "com net org jp de uk fr br it ru es me gov pl ca au cn co in nl edu info eu ch id at kr cz mx be tv se tr tw al ua ir vn cl sk ly cc to no fi us pt dk ar hu tk gr il news ro my biz ie za nz sg ee th io xyz pe bg hk rs lt link ph club si site mobi by cat wiki la ga xxx cf hr ng jobs online kz ug gq ae is lv pro fm tips ms sa app"
            .split(separator: " ").map(String.init)
        return (tlds.map { $0.uppercased() } + tlds).joined(separator: "|")
    }()

    static let ipPattern: String = {
        let v4 = "(?:\(octet)\\.){3}\(octet)"
        let v6 = [
            "(?:\(hex4):){7}\(hex4)",
            "(?:\(hex4):){1,7}:",
            "(?:\(hex4):){1,6}:\(hex4)",
            "(?:\(hex4):){1,5}(?::\(hex4)){1,2}",
            "(?:\(hex4):){1,4}(?::\(hex4)){1,3}",
            "(?:\(hex4):){1,3}(?::\(hex4)){1,4}",
            "(?:\(hex4):){1,2}(?::\(hex4)){1,5}",
            "\(hex4):(?:(?::\(hex4)){1,6})",
            ":(?:(?::\(hex4)){1,7}|:)",
            "fe80:(?::[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]+",
            "::(?:ffff(?::0{1,4})?:)?\(v4)",
            "(?:\(hex4):){1,4}:\(v4)\\b",
        ].joined(separator: "|")
        // Not inside identifiers, so `Class::method` is no IPv6 address.
        return "(?<![0-9a-zA-Z_])(?:\(v6))(?![0-9a-zA-Z])|\\b\(v4)\\b"
    }()

    static let datePattern: String = {
        let d2 = "\\d{2}"
        return [
            "\(weekdays),\\s\\d{1,2}\\s\(months)\\s\\d{2,4}\\s\\d{1,2}:\\d{1,2}(?::\\d{1,2})?\\s\(zone)",
            "(?:\(weekdays)\\s)?\(months)\\s[0-3]\\d,\\s\\d{2,4}",
            "(?:Sun|Sunday|Mon|Monday|Tue|Tuesday|Wed|Wednesday|Thu|Thursday|Fri|Friday|Sat|Saturday),\\s\(d2)-\(months)-\(d2)\\s\(d2):\(d2):\(d2)\\s(?:UT|GMT|[ECMP][SD]T|[A-IK-Z])",
            "\\d{4}-\(d2)-\(d2)T\(d2):\(d2):\(d2)(?:\\.\\d+)?Z?(?:[+-]?\(d2):\(d2))?",
            "\(weekdays)\\s\(months)\\s\(d2)\\s\\d{4}\\s\(d2):\(d2):\(d2)\\sGMT[+-]\\d{4}(?:\\s\\([^)]+\\))?",
            "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d+)?)?(?:[+-][0-2]\\d:?[0-5]\\d|Z)",
            "\\d{4}-?[01]\\d-?[0-3]\\d[\\sT][0-2]\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d+)?)?",
            "(?<!\\d)(?:[1-9]|1[0-2]):[0-5]\\d(?::[0-5]\\d)?(?![\\d:])(?:\\s?[aApP][Mm])?",
            "(?<!\\d)(?:0?\\d|1\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?(?![\\d:])",
            "\\d{4}-[01]\\d-[0-3]\\d",
            "[0-2]\\d:[0-5]\\d:[0-5]\\d",
            "\\b(?:\(weekdays)\\s+)?\(months)\\s+\\d{1,2}\\s+\\d{2}:\\d{2}:\\d{2}\\s+\\d{4}",
            "\\b(?:\(weekdays),\\s+)?(?:0[1-9]|[1-2]?\\d|3[01])\\s+\(months)\\s+(?:19\\d{2}|[2-9]\\d{3})\\s+(?:2[0-3]|[0-1]\\d):[0-5]\\d(?::(?:60|[0-5]\\d))?\\s+\(zone)",
            // Sentry's `datetime\.datetime\(.*?\)`, with the repr bounded (real ones are under 100
            // characters): unbounded, every unclosed `datetime.datetime(` rescanned the rest of the line.
            "datetime\\.datetime\\([^)\\n\\r]{0,256}\\)",
        ].joined(separator: "|")
    }()

    /// `0x…` of any length; without prefix, 4–6 characters need a digit and a letter, 8–128 any;
    /// one letter case throughout.
    static let hexPattern =
        #"\b0[xX][0-9a-fA-F]+\b|(?:\b|(?<!\w)-)(?:(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{4,6}|(?=[A-F]*[0-9])(?=[0-9]*[A-F])[0-9A-F]{4,6}|[0-9a-f]{8,128}|[0-9A-F]{8,128})\b"#

    struct Compiled: @unchecked Sendable {
        let regex: NSRegularExpression
        /// Each kind's capture group name (group names cannot hold `_`), in `kinds` order.
        let groupNames: [String]
    }

    static let compiled: Compiled = {
        let groupNames = kinds.map { $0.name.replacingOccurrences(of: "_", with: "") }
        let combined = zip(kinds, groupNames).map { "(?<\($1)>\($0.pattern))" }.joined(separator: "|")
        // A constant pattern; failing to compile is a programming error caught by the tests.
        return Compiled(regex: try! NSRegularExpression(pattern: combined), groupNames: groupNames)
    }()

    /// Placeholders for every recognised value.
    static func parameterize(_ text: String) -> String {
        ParameterPreScan.mayContainParameters(text) ? parameterizeWithRegex(text) : text
    }

    /// The same, always through the regex (the reference the pre-scan is checked against).
    static func parameterizeWithRegex(_ text: String) -> String {
        let regex = compiled.regex
        let ns = text as NSString
        var result = ""
        var last = 0
        for match in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            guard match.range.length > 0 else { continue }
            let kind = compiled.groupNames.firstIndex { match.range(withName: $0).location != NSNotFound }
            let name = kind.map { kinds[$0].name } ?? "value"
            result += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            result += "<\(name)>"
            last = match.range.location + match.range.length
        }
        result += ns.substring(from: last)
        return result
    }

    /// Sentry's message normalization: the first two non-blank lines (marked `...` when anything
    /// was cut), then placeholders.
    static func normalize(_ message: String) -> String {
        let lines = splitLines(message).filter { !$0.allSatisfy(\.isWhitespace) }
        var trimmed = lines.prefix(2).joined(separator: "\n")
        if trimmed != message { trimmed += "..." }
        return parameterize(trimmed)
    }

    /// Python's `str.splitlines()`: \n, \r\n, \r and the other Unicode line breaks.
    static func splitLines(_ text: String) -> [String] {
        // Most texts are one ASCII line: nothing to split, no characters to walk.
        if text.utf8.allSatisfy({ $0 < 0x80 && !($0 >= 0x0a && $0 <= 0x0d) && !($0 >= 0x1c && $0 <= 0x1e) }) {
            return text.isEmpty ? [] : [text]
        }
        var lines: [String] = []
        var current = ""
        for c in text {
            if c.isNewline || c == "\u{1c}" || c == "\u{1d}" || c == "\u{1e}" {
                lines.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
