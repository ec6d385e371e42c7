import EventModel

/// The minidump endpoint's upload (multipart field `upload_file_minidump`, or a raw body) as an
/// envelope: a placeholder event and the dump as its attachment. Symbolicating the dump is
/// later work; the event says so.
enum Minidump {
    static func envelope(_ bytes: [UInt8], contentType: String) throws(RelayError) -> Envelope {
        var dump: [UInt8]
        var filename = "minidump.dmp"
        var base: [String: JSON] = [:]
        if let boundary = Multipart.boundary(contentType: contentType) {
            guard let parts = Multipart.parse(bytes, boundary: boundary) else {
                throw RelayError(.badRequest, "invalid multipart data")
            }
            guard let file = parts.first(where: { $0.name == "upload_file_minidump" }) else {
                throw RelayError(.badRequest, "missing minidump")
            }
            dump = file.data
            filename = file.filename ?? filename
            if let sentry = parts.first(where: { $0.name == "sentry" }), case .object(let event)? = try? JSON.parse(sentry.data) {
                base = event
            }
        } else {
            dump = bytes
        }
        let magic = Array(dump.prefix(4))
        guard magic == Array("MDMP".utf8) || magic == Array("PMDM".utf8) else { throw RelayError(.badRequest, "invalid minidump") }
        let eventID = base["event_id"]?.string.flatMap(EventID.normalize) ?? EventID.generate()
        base["event_id"] = .string(eventID)
        base["platform"] = base["platform"] ?? "native"
        base["level"] = base["level"] ?? "fatal"
        base["exception"] = ["values": [[
            "type": "Minidump", "value": .string("Unprocessed minidump (\(dump.count) bytes)"),
            "mechanism": ["type": "minidump", "handled": false, "synthetic": true],
        ]]]
        return Envelope(headers: ["event_id": .string(eventID)], items: [
            EnvelopeItem(headers: ["type": "event"], payload: JSON.object(base).encoded()),
            EnvelopeItem(headers: ["type": "attachment", "attachment_type": "event.minidump", "filename": .string(filename)],
                         payload: dump),
        ])
    }
}
