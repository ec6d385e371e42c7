/// A parsed Sentry envelope: a header object and items, each with a header and raw payload.
public struct Envelope: Sendable {
    public var headers: [String: JSON]
    public var items: [EnvelopeItem]

    public init(headers: [String: JSON], items: [EnvelopeItem]) {
        self.headers = headers
        self.items = items
    }

    public var eventID: String? { headers["event_id"]?.string }
    public var dsn: String? { headers["dsn"]?.string }
    public var sentAt: String? { headers["sent_at"]?.string }
}

public struct EnvelopeItem: Sendable {
    public var headers: [String: JSON]
    public var payload: [UInt8]

    public init(headers: [String: JSON], payload: [UInt8]) {
        self.headers = headers
        self.payload = payload
    }

    public var type: String { headers["type"]?.string ?? "" }
}
