// libFuzzer target: the store / JSON event path (Sources/EventModel). A store body is parsed
// as JSON by the relay, then as a SentryEvent by the processor, whose views (exceptions, frames,
// tags, message, timestamp) grouping reads; what the JSON writer emits must parse back to the
// same value, since payloads are re-encoded on their way to Kafka and PostgreSQL.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvent(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSON.parse(bytes) else { return 0 }
    let written = value.encoded()
    guard let reparsed = try? JSON.parse(written) else {
        fatalError("JSONWriter wrote JSON its parser refuses: \(String(decoding: written, as: UTF8.self))")
    }
    guard reparsed == value else {
        fatalError("JSON round trip changed the value: \(value) became \(reparsed)")
    }
    guard let event = try? SentryEvent.parse(bytes) else { return 0 }
    _ = event.eventID
    _ = event.timestamp
    _ = event.message
    _ = event.fingerprint
    _ = event.userKey
    _ = event.traceID
    _ = event.tags
    for exception in event.exceptions { _ = exception.frames.map(\.function) }
    _ = event.threadFrames
    return 0
}
