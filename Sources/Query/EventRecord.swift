import EventModel
import Foundation

/// A row of `events`, its payload parsed (pure; `EventStore` reads it).
struct EventRecord: Sendable {
    let projectID: Int64
    let eventID: String
    let issueID: Int64
    let timestamp: Date
    let received: Date
    let platform: String?
    let level: String
    let title: String
    let release: String?
    let environment: String?
    let traceID: String?
    let userKey: String?
    let payload: [String: JSON]
    /// False when the stored payload is not a JSON object the parser reads (it is then empty).
    let payloadReadable: Bool
    let size: Int
}

extension EventRecord {
    /// A stored payload as the API reads it: the JSON object, or empty and not readable.
    static func payload(_ text: String) -> (object: [String: JSON], readable: Bool) {
        guard let object = (try? JSON.parse(text))?.object else { return ([:], false) }
        return (object, true)
    }
}
