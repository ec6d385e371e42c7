/// The payload of one spool record in the relay: the Kafka messages it decided to produce for
/// one request (events, attachments, outcomes), in order. Pure. Little-endian, versioned:
///
///     [version u8 = 1][message count u32]
///     per message: [topic length u16][topic, UTF-8][key length u32, 0xFFFFFFFF = no key][key]
///                  [value length u32][value]
///
/// Decoding trusts nothing: every length is checked against the bytes left before use, the
/// count against the smallest possible message, and a record with bytes left over is rejected.
public struct SpoolBatch: Equatable, Sendable {
    public struct Message: Equatable, Sendable {
        public var topic: String
        public var key: [UInt8]?
        public var value: [UInt8]

        public init(topic: String, key: [UInt8]?, value: [UInt8]) {
            self.topic = topic
            self.key = key
            self.value = value
        }
    }

    public static let version: UInt8 = 1
    private static let noKey = UInt32.max
    /// Topic length, key length and value length of an empty message.
    private static let smallestMessage = 10

    public var messages: [Message]

    public init(messages: [Message]) {
        self.messages = messages
    }

    /// A bound on the encoded size of a batch of messages with these value sizes plus one
    /// outcome each (topic, key and framing included), to ask `Spool.hasRoom` before encoding.
    public static func estimatedSize(_ valueSizes: [Int]) -> Int {
        valueSizes.reduce(5) { total, size in
            let (sum, overflow) = total.addingReportingOverflow(max(0, size))
            return overflow ? Int.max : min(Int.max - 1024, sum) + 1024
        }
    }

    public enum EncodingError: Error, Equatable {
        case topicTooLong(String)
        case fieldTooLarge(Int)
        case tooManyMessages(Int)
    }

    public func encoded() throws(EncodingError) -> [UInt8] {
        guard let count = UInt32(exactly: messages.count) else { throw .tooManyMessages(messages.count) }
        var bytes: [UInt8] = [Self.version]
        SpoolRecordFrame.appendLittleEndian(count, to: &bytes)
        for message in messages {
            let topic = Array(message.topic.utf8)
            guard let topicLength = UInt16(exactly: topic.count) else { throw .topicTooLong(message.topic) }
            SpoolRecordFrame.appendLittleEndian(topicLength, to: &bytes)
            bytes += topic
            if let key = message.key {
                guard let keyLength = UInt32(exactly: key.count), keyLength != Self.noKey else { throw .fieldTooLarge(key.count) }
                SpoolRecordFrame.appendLittleEndian(keyLength, to: &bytes)
                bytes += key
            } else {
                SpoolRecordFrame.appendLittleEndian(Self.noKey, to: &bytes)
            }
            guard let valueLength = UInt32(exactly: message.value.count) else { throw .fieldTooLarge(message.value.count) }
            SpoolRecordFrame.appendLittleEndian(valueLength, to: &bytes)
            bytes += message.value
        }
        return bytes
    }

    public enum DecodingError: Error, Equatable {
        case empty
        case unsupportedVersion(UInt8)
        case truncated
        case countTooLarge(UInt32)
        case invalidTopic
        case trailingBytes(Int)
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> SpoolBatch {
        var reader = ByteReader(bytes: bytes)
        guard let version = reader.byte() else { throw .empty }
        guard version == Self.version else { throw .unsupportedVersion(version) }
        guard let count = reader.uint32() else { throw .truncated }
        // Each message takes at least `smallestMessage` bytes, so a count above that bound is
        // a lie and nothing is reserved for it.
        guard let messageCount = Int(exactly: count), messageCount <= reader.remaining / smallestMessage else {
            throw .countTooLarge(count)
        }
        var messages: [Message] = []
        messages.reserveCapacity(messageCount)
        for _ in 0..<messageCount {
            guard let topicLength = reader.uint16(), let topicBytes = reader.take(Int(topicLength)) else { throw .truncated }
            let topic = String(decoding: topicBytes, as: UTF8.self)
            guard topic.utf8.elementsEqual(topicBytes) else { throw .invalidTopic }
            guard let keyLength = reader.uint32() else { throw .truncated }
            var key: [UInt8]?
            if keyLength != noKey {
                guard let length = Int(exactly: keyLength), let keyBytes = reader.take(length) else { throw .truncated }
                key = Array(keyBytes)
            }
            guard let valueLength = reader.uint32(), let length = Int(exactly: valueLength),
                  let value = reader.take(length) else { throw .truncated }
            messages.append(Message(topic: topic, key: key, value: Array(value)))
        }
        guard reader.remaining == 0 else { throw .trailingBytes(reader.remaining) }
        return SpoolBatch(messages: messages)
    }
}

/// Reads little-endian fields off a byte array, never past its end.
private struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    var remaining: Int { bytes.count - position }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func byte() -> UInt8? { take(1)?.first }

    mutating func uint16() -> UInt16? { integer(UInt16.self) }

    mutating func uint32() -> UInt32? { integer(UInt32.self) }

    private mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard let slice = take(MemoryLayout<T>.size) else { return nil }
        return slice.reversed().reduce(T(0)) { ($0 << 8) | T($1) }
    }
}
