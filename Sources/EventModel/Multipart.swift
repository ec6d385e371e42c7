import Foundation

/// A `multipart/form-data` body split into parts (for the minidump endpoint).
public struct MultipartPart: Sendable, Equatable {
    public var name: String?
    public var filename: String?
    public var contentType: String?
    public var data: [UInt8]
}

public enum Multipart {
    /// The `boundary` parameter of a `multipart/form-data` content type.
    public static func boundary(contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces.lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingSpaces
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            // RFC 2046: at most 70 characters; longer ones would make scanning quadratic.
            return value.isEmpty || value.utf8.count > 70 ? nil : value
        }
        return nil
    }

    /// Most parts one body may have: an upload has a handful (the dump, `sentry`, a few files).
    public static let maxParts = 1_000

    public static func parse(_ body: [UInt8], boundary: String) -> [MultipartPart]? {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [MultipartPart] = []
        guard var position = find(delimiter, in: body, from: 0) else { return nil }
        position += delimiter.count
        while position + 1 < body.count {
            if body[position] == UInt8(ascii: "-") && body[position + 1] == UInt8(ascii: "-") { return parts }
            guard parts.count < maxParts else { return nil }
            position = skipLineBreak(body, position)
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: position) else { return nil }
            let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let dataStart = headerEnd + 4
            guard let next = find(Array("\r\n--\(boundary)".utf8), in: body, from: dataStart) else { return nil }
            var part = MultipartPart(name: nil, filename: nil, contentType: nil, data: Array(body[dataStart..<next]))
            for line in headers.split(separator: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    part.name = parameter("name", in: String(line))
                    part.filename = parameter("filename", in: String(line))
                } else if lower.hasPrefix("content-type:") {
                    part.contentType = String(line.dropFirst("content-type:".count)).trimmingCharacters(in: [" "])
                }
            }
            parts.append(part)
            position = next + 2 + delimiter.count
        }
        return parts
    }

    private static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces.lowercased() == name else { continue }
            var value = pair[1].trimmingSpaces
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    private static func skipLineBreak(_ body: [UInt8], _ position: Int) -> Int {
        var index = position
        if index < body.count && body[index] == UInt8(ascii: "\r") { index += 1 }
        if index < body.count && body[index] == UInt8(ascii: "\n") { index += 1 }
        return index
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        let first = needle[0]
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
