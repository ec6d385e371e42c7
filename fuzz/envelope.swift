// libFuzzer target: the envelope parser, and the event parser over every item payload, as the
// relay and processor read them (Sources/EventModel).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvelope(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let envelope = try? EnvelopeParser.parse(bytes) else { return 0 }
    for item in envelope.items {
        _ = try? SentryEvent.parse(item.payload)
    }
    return 0
}
