import EventModel

/// Size limits in bytes, with Sentry relay's defaults (relay-config `Limits`).
public struct RelayLimits: Sendable {
    /// Largest envelope, compressed as received and after decompression (`max_envelope_size`).
    public var maxEnvelopeSize = 200 * 1024 * 1024
    /// Largest event, transaction or security report item (`max_event_size`); also the body limit
    /// of the store and security endpoints.
    public var maxEventSize = 1024 * 1024
    /// Largest single attachment and all attachments of one envelope (`max_attachment_size`,
    /// `max_attachments_size`); also the minidump endpoint's body limit.
    public var maxAttachmentSize = 200 * 1024 * 1024
    public var maxAttachmentsSize = 200 * 1024 * 1024
    /// Largest session item and most sessions in one `sessions` item.
    public var maxSessionsSize = 10 * 1024 * 1024
    public var maxSessionCount = 100
    /// Largest client report and check-in items.
    public var maxClientReportSize = 100 * 1024
    public var maxCheckInSize = 100 * 1024
    /// Bytes all requests together may hold while being read, decoded and parsed (Faultline's
    /// own limit, `FAULTLINE_RELAY_MAX_BYTES_IN_FLIGHT`; not one of Sentry relay's).
    public var maxBytesInFlight = 256 * 1024 * 1024
    /// Bytes all requests together may hold before they are authenticated, while an envelope's
    /// header line is looked for (`FAULTLINE_RELAY_MAX_PREAUTH_BYTES_IN_FLIGHT`; Faultline's own).
    public var maxPreAuthBytesInFlight = 16 * 1024 * 1024
    /// Seconds the search for an envelope's header line may take in all (the HTTP header
    /// timeout: the line stands in for a header).
    public var headerLineTimeout: Double = 10

    public init() {}

    /// The size limit of one item of this type, if it has its own.
    func itemLimit(_ type: ItemType) -> Int? {
        switch type.sizeLimit {
        case .event: return maxEventSize
        case .attachment: return maxAttachmentSize
        case .sessions: return maxSessionsSize
        case .clientReport: return maxClientReportSize
        case .checkIn: return maxCheckInSize
        case .envelope: return nil
        }
    }

    static func tooLarge(_ type: ItemType) -> RelayError {
        RelayError(.contentTooLarge,
                   "envelope exceeded size limits for type '\(type.wireName)' (https://develop.sentry.dev/sdk/envelopes/#size-limits)")
    }
}
