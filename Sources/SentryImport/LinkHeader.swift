/// Sentry's cursor pagination: the `Link` header's `rel="next"` entry, followed only while its
/// `results="true"`. One linear pass over the header, no regular expressions; a malformed
/// header yields no next page rather than an error.
public enum LinkHeader {
    public struct Entry: Sendable, Equatable {
        public var url: String
        public var parameters: [String: String]
    }

    /// Headers longer than this are not read (Sentry's are a few hundred bytes).
    public static let maxLength = 16_384

    /// The next page's URL, or nil on the last page.
    public static func next(_ header: String?) -> String? {
        guard let header else { return nil }
        return entries(header).first { $0.parameters["rel"] == "next" && $0.parameters["results"] == "true" }?.url
    }

    public static func entries(_ header: String) -> [Entry] {
        let bytes = Array(header.utf8.prefix(maxLength))
        var entries: [Entry] = []
        var index = 0
        func skipSpaces() { while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 { index += 1 } }
        while index < bytes.count {
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { return entries }
            let urlStart = index + 1
            guard let urlEnd = bytes[urlStart...].firstIndex(of: UInt8(ascii: ">")) else { return entries }
            var entry = Entry(url: String(decoding: bytes[urlStart..<urlEnd], as: UTF8.self), parameters: [:])
            index = urlEnd + 1
            // `; name="value"` pairs up to the comma that ends the entry (commas in quotes don't).
            while true {
                skipSpaces()
                guard index < bytes.count else { break }
                if bytes[index] == UInt8(ascii: ",") { index += 1; break }
                guard bytes[index] == UInt8(ascii: ";") else { return entries + [entry] }
                index += 1
                skipSpaces()
                let nameStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ";"), bytes[index] != UInt8(ascii: ",") {
                    index += 1
                }
                let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).trimmingSpaces.lowercased()
                var value = ""
                if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    skipSpaces()
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                        let valueStart = index + 1
                        guard let valueEnd = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { return entries }
                        value = String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
                        index = valueEnd + 1
                    } else {
                        let valueStart = index
                        while index < bytes.count, bytes[index] != UInt8(ascii: ";"), bytes[index] != UInt8(ascii: ",") { index += 1 }
                        value = String(decoding: bytes[valueStart..<index], as: UTF8.self).trimmingSpaces
                    }
                }
                if !name.isEmpty { entry.parameters[name] = value }
            }
            entries.append(entry)
        }
        return entries
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
