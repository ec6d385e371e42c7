import EventModel
import Foundation
import Quotas

/// Reads one message of the outcomes topic. A message that does not decode, or whose timestamp
/// or quantity makes no sense, is an error: the worker turns it into a dead letter.
public enum OutcomeMessage {
    public struct DecodeError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> OutcomeRecord {
        let record: OutcomeRecord
        do {
            record = try JSONDecoder().decode(OutcomeRecord.self, from: Data(bytes))
        } catch {
            throw DecodeError(description: "undecodable outcome: \(String(describing: error).prefix(200))")
        }
        guard Timestamp.parse(record.timestamp) != nil else {
            throw DecodeError(description: "outcome timestamp is not RFC 3339: \(record.timestamp.prefix(64))")
        }
        guard record.quantity >= 0 else { throw DecodeError(description: "negative outcome quantity \(record.quantity)") }
        return record
    }

    /// The project of a message that may not decode, for the dead letter.
    public static func projectID(of bytes: [UInt8]) -> Int64? {
        (try? JSON.parse(bytes))?["project_id"]?.int
    }
}
