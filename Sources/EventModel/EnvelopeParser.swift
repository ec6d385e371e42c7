/// Parses the envelope format of Sentry's SDK docs:
/// `Headers \n (ItemHeaders \n Payload \n?)*`. An item with `length` has exactly that many payload
/// bytes; without it the payload runs to the next `\n` or the end. `\r` belongs to the payload.
public enum EnvelopeParser {
    /// Most items one envelope may hold. SDKs send a handful (an event, a few attachments, a
    /// client report); the cap keeps a small compressed body of millions of tiny items from
    /// becoming millions of allocations.
    public static let defaultMaxItems = 1_000

    public static func parse(_ bytes: [UInt8], maxItems: Int = defaultMaxItems) throws(EnvelopeError) -> Envelope {
        var index = 0
        guard !bytes.isEmpty else { throw .empty }
        let headerLine = line(bytes, from: &index)
        let headers: [String: JSON]
        do {
            headers = try object(bytes[headerLine])
        } catch {
            throw .invalidHeader(error.reason)
        }
        var items: [EnvelopeItem] = []
        while index < bytes.count {
            let itemIndex = items.count
            let headerRange = line(bytes, from: &index)
            if headerRange.isEmpty && index >= bytes.count { break }
            if headerRange.isEmpty { continue } // tolerate blank lines between items
            guard itemIndex < maxItems else { throw .tooManyItems(limit: maxItems) }
            let itemHeaders: [String: JSON]
            do {
                itemHeaders = try object(bytes[headerRange])
            } catch {
                throw .invalidItemHeader(index: itemIndex, reason: error.reason)
            }
            guard let type = itemHeaders["type"]?.string, !type.isEmpty else { throw .missingItemType(index: itemIndex) }
            _ = type
            let payload: ArraySlice<UInt8>
            if let declared = itemHeaders["length"], declared != .null {
                // Sentry's relay reads `length` as an unsigned integer: a string, fraction or
                // negative number makes the item header invalid rather than being ignored.
                guard case .int(let length) = declared, length >= 0 else {
                    throw .invalidLength(index: itemIndex)
                }
                let available = bytes.count - index
                guard length <= available else {
                    throw .truncatedPayload(index: itemIndex, declared: Int(length), available: available)
                }
                payload = bytes[index..<index + Int(length)]
                index += Int(length)
                if index < bytes.count {
                    guard bytes[index] == newline else { throw .missingNewline(index: itemIndex) }
                    index += 1
                }
            } else {
                payload = bytes[line(bytes, from: &index)]
            }
            items.append(EnvelopeItem(headers: itemHeaders, payload: Array(payload)))
        }
        return Envelope(headers: headers, items: items)
    }

    private static let newline = UInt8(ascii: "\n")

    /// The range up to the next newline (exclusive); moves `index` past the newline.
    private static func line(_ bytes: [UInt8], from index: inout Int) -> Range<Int> {
        let start = index
        var end = start
        while end < bytes.count && bytes[end] != newline { end += 1 }
        index = end < bytes.count ? end + 1 : end
        return start..<end
    }

    private struct ObjectError: Error { let reason: String }

    private static func object(_ slice: ArraySlice<UInt8>) throws(ObjectError) -> [String: JSON] {
        let trimmed = slice.drop(while: { $0 == 0x20 || $0 == 0x09 })
        if trimmed.isEmpty { throw ObjectError(reason: "empty line") }
        let value: JSON
        do {
            value = try JSON.parse(Array(trimmed))
        } catch {
            throw ObjectError(reason: "malformed JSON")
        }
        guard case .object(let members) = value else { throw ObjectError(reason: "not an object") }
        return members
    }
}
