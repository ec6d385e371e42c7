/// The metadata line of an ingest message, written straight into bytes: what `JSONEncoder` with
/// sorted keys wrote before, at a fraction of the cost (Relay writes one per accepted item).
/// Absent optionals are left out, as the synthesized `Codable` does; `IngestMessage.decode` reads it.
extension IngestMessage.Metadata {
    func write(into out: inout [UInt8]) {
        var separator = UInt8(ascii: "{")
        func key(_ name: StaticString) {
            out.append(separator)
            separator = UInt8(ascii: ",")
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            JSONWriter.string(value, into: &out)
        }
        // Sorted by key, as before.
        string("client_ip", clientIP)
        string("event_id", eventID)
        if let itemHeaders {
            key("item_headers")
            JSONWriter.write(.object(itemHeaders), into: &out)
        }
        key("key_id")
        JSONWriter.write(.int(keyID), into: &out)
        key("project_id")
        JSONWriter.write(.int(projectID), into: &out)
        key("received")
        JSONWriter.write(.double(received), into: &out)
        string("sdk", sdk)
        string("sent_at", sentAt)
        string("type", type)
        key("v")
        JSONWriter.write(.int(Int64(v)), into: &out)
        out.append(UInt8(ascii: "}"))
    }
}
