/// The top-level members of a JSON object, validated as `JSON.parse` validates them but located
/// instead of built: a planner that needs two fields of a 10 KB event parses only those two.
public struct JSONObjectIndex: Sendable {
    let bytes: [UInt8]
    /// In document order; a repeated key keeps every occurrence and the last one counts, as in
    /// `JSON.parse`.
    let members: [(key: String, value: Range<Int>)]

    /// Throws for invalid JSON and for valid JSON that is not an object.
    public init(_ bytes: [UInt8]) throws(JSONParseError) {
        self.bytes = bytes
        members = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var reader = JSONParser.Reader(bytes: buffer)
            reader.skipWhitespace()
            guard reader.index < buffer.count, buffer[reader.index] == UInt8(ascii: "{") else {
                // Still refuse invalid input as invalid rather than as "not an object".
                try reader.skipValue(depth: 0)
                throw reader.fail("not an object")
            }
            let members = try Self.members(&reader)
            reader.skipWhitespace()
            guard reader.index == buffer.count else { throw reader.fail("unexpected trailing data") }
            return members
        }
    }

    /// Mirrors `JSONParser.Reader.object(depth: 1)`, keeping each value's byte range.
    private static func members(_ reader: inout JSONParser.Reader) throws(JSONParseError) -> [(key: String, value: Range<Int>)] {
        var members: [(key: String, value: Range<Int>)] = []
        reader.index += 1
        reader.skipWhitespace()
        if reader.index < reader.bytes.count && reader.bytes[reader.index] == UInt8(ascii: "}") {
            reader.index += 1
            return members
        }
        while true {
            reader.skipWhitespace()
            guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: "\"") else {
                throw reader.fail("expected a string key")
            }
            let key = try reader.string()
            reader.skipWhitespace()
            guard reader.index < reader.bytes.count, reader.bytes[reader.index] == UInt8(ascii: ":") else {
                throw reader.fail("expected ':'")
            }
            reader.index += 1
            reader.skipWhitespace()
            let start = reader.index
            try reader.skipValue(depth: 1)
            members.append((key, start..<reader.index))
            reader.skipWhitespace()
            guard reader.index < reader.bytes.count else { throw reader.fail("unexpected end of input") }
            if reader.bytes[reader.index] == UInt8(ascii: ",") { reader.index += 1; continue }
            if reader.bytes[reader.index] == UInt8(ascii: "}") { reader.index += 1; return members }
            throw reader.fail("expected ',' or '}'")
        }
    }

    /// The value of `key` (its last occurrence), parsed.
    public subscript(key: String) -> JSON? {
        guard let member = members.last(where: { $0.key == key }) else { return nil }
        return value(at: member.value)
    }

    /// The object with only `keys`, parsed: what `JSON.parse` would give, minus the other members.
    public func object(keeping keys: Set<String>) -> [String: JSON] {
        var object: [String: JSON] = [:]
        for member in members.reversed() where keys.contains(member.key) && object[member.key] == nil {
            object[member.key] = value(at: member.value)
        }
        return object
    }

    private func value(at range: Range<Int>) -> JSON? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONParser.Reader(bytes: UnsafeBufferPointer(rebasing: buffer[range]))
            // Depth 1: the value sits inside the top-level object, so nesting counts as in a full parse.
            return try? reader.value(depth: 1)
        }
    }
}
